/**
 * A matrix run: the session that owns a run's settings, images, QEMU builds and snapshot store
 * ({@link dev.pvpanic.harness.run.HarnessSession}), and the runner that builds each image, makes
 * each snapshot and runs each cell as soon as what it needs exists, several at once ({@link
 * dev.pvpanic.harness.run.Pipeline}), with progress and retries of infrastructure errors.
 */
package dev.pvpanic.harness.run;
