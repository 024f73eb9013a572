package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.qmp.QemuIntrospection;
import dev.pvpanic.harness.qmp.QmpClient;
import java.io.FileDescriptor;
import java.util.Optional;

/**
 * How the harness hands QEMU a file it opened itself, for a saved state or a memory dump: as a
 * descriptor passed over QMP. A confined QEMU may neither open the harness's files as its own user
 * nor spawn {@code cat} for an {@code exec:} URI, and needs neither this way.
 */
enum FileHandover {
  /**
   * {@code getfd} then {@code fd:<name>}: every build's migration and dump take it. QEMU 10.0
   * deprecates {@code fd:} on a regular file for migration and 11.1 refuses it ("fd: migration to a
   * file is not supported. Use file: instead.", seen).
   */
  NAMED_FD,
  /**
   * {@code add-fd} into a descriptor set, then {@code file:/dev/fdset/<id>}: builds whose {@code
   * migrate} can name a {@code file} transport (8.2 and later); QEMU opens {@code /dev/fdset/<id>}
   * as a duplicate of the passed descriptor with the same access mode.
   */
  FDSET;

  /** The migration hand-over a build takes: {@link #FDSET} where it has {@code file:}. */
  static FileHandover forMigration(Optional<QemuIntrospection> build) {
    return build.map(QemuIntrospection::migrationFileTransport).orElse(false) ? FDSET : NAMED_FD;
  }

  /**
   * Passes {@code fd} to QEMU under {@code serial} (unique within one QEMU) and returns the URI
   * that names it.
   */
  String hand(QmpClient qmp, FileDescriptor fd, int serial) {
    return switch (this) {
      case NAMED_FD -> {
        String name = "pvh-" + serial;
        qmp.passFd(name, fd);
        yield "fd:" + name;
      }
      case FDSET -> {
        qmp.addFd(serial, fd);
        yield "file:/dev/fdset/" + serial;
      }
    };
  }
}
