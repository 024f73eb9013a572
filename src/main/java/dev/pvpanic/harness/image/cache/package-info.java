/**
 * The harness's on-disk cache: verified blobs addressed by their SHA-256, and derived artifacts
 * (built images) published atomically under a key that hashes their inputs.
 */
package dev.pvpanic.harness.image.cache;
