package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.QemuBuild;

/** Resolves the {@code qemu} axis: which QEMU build a cell runs on. */
public final class QemuBuilds {
  private QemuBuilds() {}

  public static QemuBuild resolve(String name, Architecture arch) {
    if (name.equals("host")) {
      return QemuBuild.host(arch);
    }
    throw new GuestConfigException("unknown QEMU build '" + name + "'; valid: host");
  }
}
