package dev.pvpanic.harness.machine;

/**
 * Run in a child JVM by {@link JvmKilledIT}: starts one machine, says where it is, and waits to be
 * killed.
 */
public final class OrphanProbeMain {
  private OrphanProbeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Architecture arch = Architecture.parse(args[0]);
    QemuMachine m =
        QemuMachine.launch(MachineSpec.builder(arch).name("orphan").memoryMb(128).build());
    System.out.println("PVH-ORPHAN qemu=" + m.pid() + " run=" + m.runFolder());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
