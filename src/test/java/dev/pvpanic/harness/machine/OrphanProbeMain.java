package dev.pvpanic.harness.machine;

import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link JvmKilledIT} and {@link ContainerJvmKilledIT}: starts one machine (a
 * local process, or in the container image given as second argument), says where it is, and waits
 * to be killed.
 */
public final class OrphanProbeMain {
  private OrphanProbeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Architecture arch = Architecture.parse(args[0]);
    MachineSpec.Builder spec = MachineSpec.builder(arch).name("orphan").memoryMb(128);
    if (args.length > 1) {
      spec.qemu(
          new QemuBuild(
              "container:" + args[1],
              arch.qemuBinary(),
              Map.of(),
              List.of(),
              new ContainerBackend(args[1], new ContainerEngine(java.util.Optional.empty()))));
    }
    QemuMachine m = QemuMachine.launch(spec.build());
    System.out.println("PVH-ORPHAN qemu=" + m.pid() + " run=" + m.runFolder());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
