/**
 * Guest snapshots: a guest booted once to READY and saved, restored by every cell with the same key
 * ({@link dev.pvpanic.harness.snapshot.SnapshotKey}: the machine, the image, the QEMU build). The
 * store checks a snapshot's hash before it is restored and marks a damaged one unusable; the maker
 * boots the guest and saves it.
 */
package dev.pvpanic.harness.snapshot;
