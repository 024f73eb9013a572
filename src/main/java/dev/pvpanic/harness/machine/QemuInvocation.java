package dev.pvpanic.harness.machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One QEMU process to start.
 *
 * @param name the machine's name (thread and container names, messages)
 * @param argv QEMU's argv; {@code argv[0]} is the binary as the backend sees it
 * @param env extra environment (e.g. {@code QEMU_MODULE_DIR})
 * @param runFolder the folder holding the unix sockets QEMU connects to; shared read-write
 * @param inputs files QEMU reads (kernel, initrd); shared read-only
 * @param kvm whether QEMU needs {@code /dev/kvm}
 * @param stdout where QEMU's standard output goes
 * @param stderr where QEMU's standard error goes
 */
public record QemuInvocation(
    String name,
    List<String> argv,
    Map<String, String> env,
    Path runFolder,
    List<Path> inputs,
    boolean kvm,
    Path stdout,
    Path stderr) {

  public QemuInvocation {
    Objects.requireNonNull(name, "name");
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    inputs = List.copyOf(inputs);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("an invocation needs at least the QEMU binary in argv");
    }
  }
}
