package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running {@link OrphanProbeMain}, started and read until it has said where its QEMU
 * is; {@link #kill()} ends it with SIGKILL (no shutdown hook, no finally, no close()).
 */
record OrphanJvm(Process child, long qemuPid, Path runFolder) {
  private static final Pattern LINE = Pattern.compile("PVH-ORPHAN qemu=(\\d+) run=(\\S+)");

  static OrphanJvm start(String... probeArgs) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-cp", System.getProperty("java.class.path")));
    argv.add(OrphanProbeMain.class.getName());
    argv.addAll(List.of(probeArgs));
    Process child = new ProcessBuilder(argv).redirectErrorStream(true).start();
    // Not closed: closing the pipe could end the child before the test kills it.
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        return new OrphanJvm(child, Long.parseLong(m.group(1)), Path.of(m.group(2)));
      }
    }
    child.destroyForcibly();
    assertNotNull(null, "child JVM ended without starting QEMU:\n" + seen);
    throw new IllegalStateException("unreachable");
  }

  void kill() throws InterruptedException {
    child.destroyForcibly();
    child.waitFor();
  }
}
