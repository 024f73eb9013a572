/**
 * A client for the Debian archive: which mirror to use ({@link
 * dev.pvpanic.harness.image.debian.DebianMirrors}), signed suite metadata ({@link
 * dev.pvpanic.harness.image.debian.InReleaseVerifier}), package indexes and versions, pinned
 * packages ({@link dev.pvpanic.harness.image.debian.LockFile}), downloads into the content store
 * ({@link dev.pvpanic.harness.image.debian.DebianArchive}) and {@code .deb} extraction ({@link
 * dev.pvpanic.harness.image.debian.DebFile}).
 *
 * <p>Trust flows from the archive keyring: InRelease is verified with OpenPGP, every index and pool
 * file is checked against the SHA-256 the verified text (or the lock file) names, and nothing
 * unverified reaches the cache.
 */
package dev.pvpanic.harness.image.debian;
