/**
 * The benchmark command: a guest config run booting every guest and from snapshots in one process,
 * with per-phase times, harness overhead and peak memory, as JSON and an SVG chart.
 */
package dev.pvpanic.harness.bench;
