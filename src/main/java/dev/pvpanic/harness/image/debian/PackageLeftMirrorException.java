package dev.pvpanic.harness.image.debian;

import java.net.URI;

/**
 * A pinned package's pool file is gone from the mirror (HTTP 404): Debian removes superseded
 * versions, so a lock file ages. The message says how to move on.
 */
public class PackageLeftMirrorException extends ArchiveFetchException {
  private static final long serialVersionUID = 1L;

  private final LockedPackage pin;

  public PackageLeftMirrorException(LockedPackage pin, URI uri) {
    super(
        uri,
        pin.name()
            + " "
            + pin.version()
            + " ("
            + pin.suite()
            + "/"
            + pin.arch()
            + "), pinned in the lock file, has left the mirror: GET "
            + uri
            + " returned 404. Either re-resolve the lock (`images lock`) to pin the versions the"
            + " mirror has now, or point "
            + DebianMirrors.MIRROR_ENV
            + " (and "
            + DebianMirrors.SECURITY_MIRROR_ENV
            + ") at a snapshot archive of Debian from a date when this version was published.");
    this.pin = pin;
  }

  public LockedPackage pin() {
    return pin;
  }
}
