package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.faults.Leaks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After every test class (registered for all of them through the services file and JUnit's
 * extension autodetection): no QEMU this JVM started still runs and no run folder of this JVM is
 * left in the run folder root. Nothing a test boots may outlive it, failed or not; a QEMU being
 * torn down gets a few seconds to go.
 *
 * <p>A class that runs beside others ({@code @Execution(CONCURRENT)} on the class) cannot tell its
 * QEMUs from theirs, so a class that ends while another still runs is checked together with it, at
 * the next moment no class runs; a leak then names every class of that stretch. No class starts
 * while a check runs, so the check never sees a newcomer's guest.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Stretch STRETCH = new Stretch();
  private static final ExtensionContext.Namespace SPACE =
      ExtensionContext.Namespace.create(NoLeaks.class);
  private static final String STARTED = "started";

  @Override
  public void beforeAll(ExtensionContext context) throws InterruptedException {
    if (context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
      return; // a @Nested class: its outer class covers it
    }
    STRETCH.start();
    context.getStore(SPACE).put(STARTED, true);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    if (context.getStore(SPACE).remove(STARTED) == null) {
      return; // a @Nested class, or one whose start another extension stopped before ours
    }
    List<String> classes = STRETCH.end(context.getDisplayName());
    if (classes.isEmpty()) {
      return; // checked when the last class of this stretch ends
    }
    try {
      check(classes);
    } finally {
      STRETCH.checked();
    }
  }

  /**
   * The test classes running now, and which of them a check covers: one starts after a check ended,
   * and the last one to end checks for itself and every class that ended beside it.
   */
  static final class Stretch {
    private int running;
    private boolean checking;
    private final List<String> unchecked = new ArrayList<>();

    /** A class starts; it waits while a check runs. */
    synchronized void start() throws InterruptedException {
      while (checking) {
        wait();
      }
      running++;
    }

    /**
     * A class ended: the classes to check now (it and those that ended while it ran), or none while
     * another class still runs. A non-empty answer must be followed by {@link #checked}.
     */
    synchronized List<String> end(String name) {
      running--;
      unchecked.add(name);
      if (running > 0) {
        return List.of();
      }
      List<String> classes = List.copyOf(unchecked);
      unchecked.clear();
      checking = true;
      return classes;
    }

    /** The check {@link #end} asked for is over: classes may start again. */
    synchronized void checked() {
      checking = false;
      notifyAll();
    }
  }

  private static void check(List<String> classes) throws InterruptedException {
    Path runDir = TestSettings.jvm().runDir();
    Instant deadline = Instant.now().plus(GRACE);
    List<String> leaks = leaks(runDir);
    while (!leaks.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      leaks = leaks(runDir);
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          String.join(" or ", classes) + " left behind: " + String.join("; ", leaks));
    }
  }

  static List<String> leaks(Path runDir) {
    List<String> out = new ArrayList<>();
    Leaks.leftQemus().forEach(p -> out.add("QEMU pid " + p + " still runs"));
    Leaks.leftRunFolders(runDir).forEach(f -> out.add("run folder " + f));
    return out;
  }
}
