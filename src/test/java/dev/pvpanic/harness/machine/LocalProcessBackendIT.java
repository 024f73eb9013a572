package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The backend contract for QEMU as a local, tethered child process (the QEMU on PATH). */
class LocalProcessBackendIT extends QemuBackendContract {

  @Override
  QemuBuild build(Architecture arch) {
    assumeTrue(
        QemuInstallation.onPath(arch.qemuBinary()),
        arch.qemuBinary() + " is not installed (ci/setup.sh installs it)");
    return QemuBuild.host(arch);
  }

  @Override
  void assertReleased(QemuMachine m) {
    assertFalse(
        ProcessHandle.of(m.pid()).map(ProcessHandle::isAlive).orElse(false),
        "QEMU " + m.processDescription() + " still alive");
  }
}
