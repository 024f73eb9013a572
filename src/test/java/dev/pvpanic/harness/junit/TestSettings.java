package dev.pvpanic.harness.junit;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.run.HarnessSession;
import java.util.Map;
import java.util.Optional;

/**
 * The settings tests hand to what they test: unit tests use the checkout's defaults, untouched by
 * this machine's properties and environment (a CI job's {@code PVH_ACCELERATOR} or {@code
 * PVH_MAX_CELLS} changes nothing); the matrix tests, which run real guests here, use the JVM's.
 */
public final class TestSettings {
  private static final Settings JVM = Settings.system();
  private static HarnessSession session;

  private TestSettings() {}

  /** Every setting at its default, the checkout found from the test classes or the build folder. */
  public static Settings checkout() {
    return Settings.of(Map.of(), Map.of());
  }

  /** {@link #checkout()} with {@code properties} (by property name, e.g. {@code pvh.recipes}). */
  public static Settings checkout(Map<String, String> properties) {
    return Settings.of(properties, Map.of());
  }

  /**
   * This JVM's settings (its system properties and environment): the one place in the tests that
   * reads them, for the matrix tests and the JUnit extension.
   */
  public static Settings jvm() {
    return JVM;
  }

  /**
   * One session of {@link #jvm()} for the matrix tests that run cells one by one: its QEMU builds,
   * snapshot store and cell options ({@code pvh.cold}, {@code pvh.accelerator}).
   */
  public static synchronized HarnessSession session() {
    if (session == null) {
      session = HarnessSession.open(JVM, Optional.empty(), s -> {});
    }
    return session;
  }
}
