package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.faults.Leaks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class (registered for all of them through the services file and JUnit's
 * extension autodetection): no QEMU this JVM started still runs and no run folder of this JVM is
 * left in the run folder root. Nothing a test boots may outlive it, failed or not; a QEMU being
 * torn down gets a few seconds to go.
 */
public final class NoLeaks implements AfterAllCallback {
  private static final Duration GRACE = Duration.ofSeconds(10);

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    Path runDir = TestSettings.jvm().runDir();
    Instant deadline = Instant.now().plus(GRACE);
    List<String> leaks = leaks(runDir);
    while (!leaks.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      leaks = leaks(runDir);
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName() + " left behind: " + String.join("; ", leaks));
    }
  }

  static List<String> leaks(Path runDir) {
    List<String> out = new ArrayList<>();
    Leaks.leftQemus().forEach(p -> out.add("QEMU pid " + p + " still runs"));
    Leaks.leftRunFolders(runDir).forEach(f -> out.add("run folder " + f));
    return out;
  }
}
