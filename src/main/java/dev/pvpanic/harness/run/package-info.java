/**
 * A matrix run: the session that owns a run's settings, images, QEMU builds and snapshot store
 * ({@link dev.pvpanic.harness.run.HarnessSession}), and the runner that plans snapshots ahead and
 * runs the planned cells, several at once, with progress and retries of infrastructure errors.
 */
package dev.pvpanic.harness.run;
