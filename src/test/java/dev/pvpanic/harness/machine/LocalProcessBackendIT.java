package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pvpanic.harness.junit.Prerequisite;

/** The backend contract for QEMU as a local, tethered child process (the QEMU on PATH). */
class LocalProcessBackendIT extends QemuBackendContract {

  @Override
  QemuBuild build(Architecture arch) {
    Prerequisite.qemu(arch).require(QemuInstallation.onPath(arch.qemuBinary()), "not on PATH");
    return QemuBuild.host(arch);
  }

  @Override
  void assertReleased(QemuMachine m) {
    assertFalse(
        ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false),
        "QEMU " + m.processDescription() + " still alive");
  }
}
