package dev.pvpanic.harness.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What a cell may leave behind, looked for after it: QEMU processes and run folders. */
public final class Leaks {
  private Leaks() {}

  /** Run folders of this JVM left in {@code runDir} (QEMU's sockets live there while it runs). */
  public static List<Path> leftRunFolders(Path runDir) {
    String prefix = "pvh-" + ProcessHandle.current().pid() + "-";
    try (Stream<Path> s = Files.list(runDir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** QEMU processes this JVM started that still run. */
  public static List<Long> leftQemus() {
    return qemusUnder(ProcessHandle.current());
  }

  /**
   * The running QEMU processes below {@code parent}: the program itself, or a Debian build started
   * through its library closure's loader (qemu-system-... is then its first argument).
   */
  static List<Long> qemusUnder(ProcessHandle parent) {
    return parent
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info().command().map(c -> c.contains("qemu-system")).orElse(false)
                    || h.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains("qemu-system"))
                        .orElse(false))
        .map(ProcessHandle::pid)
        .toList();
  }
}
