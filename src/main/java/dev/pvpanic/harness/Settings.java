package dev.pvpanic.harness;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The values of the harness's settings (the list is {@link Setting}). One precedence for all of
 * them: the property ({@code -Dpvh.cache.dir=...}), then the environment ({@code PVH_CACHE_DIR}),
 * then the default. This is the only class that reads {@code System.getProperty} or {@code
 * System.getenv}, and only the entry points (the command line, the report and benchmark mains, the
 * tests' JUnit glue) call {@link #system()}; everything else is handed a {@code Settings}, or the
 * value it needs, by its caller (tests build their own with {@link #of}). The two facts of the JVM
 * itself, its architecture and its {@code PATH}, are static: no session can differ in them.
 *
 * <p>Paths of the checkout (recipes, the lock file, the guest's init, guest configs) are taken from
 * {@link Setting#HOME}, never from the current folder.
 */
public final class Settings {

  private final Function<String, String> properties;
  private final Map<String, String> environment;

  private Settings(Function<String, String> properties, Map<String, String> environment) {
    this.properties = properties;
    this.environment = Map.copyOf(environment);
  }

  /** The settings of this JVM: its system properties and its environment. */
  public static Settings system() {
    return new Settings(System::getProperty, System.getenv());
  }

  /** Settings from given properties and environment only (tests). */
  public static Settings of(Map<String, String> properties, Map<String, String> environment) {
    Map<String, String> p = Map.copyOf(properties);
    return new Settings(p::get, environment);
  }

  /**
   * These settings with {@code properties} (by property name, e.g. {@code pvh.run-id}) taking
   * precedence over every other source: a command line's flags over the JVM's properties.
   */
  public Settings withProperties(Map<String, String> properties) {
    Map<String, String> p = Map.copyOf(properties);
    Function<String, String> before = this.properties;
    return new Settings(k -> p.containsKey(k) ? p.get(k) : before.apply(k), environment);
  }

  /** The environment, for a child process that needs it whole. */
  public Map<String, String> environment() {
    return environment;
  }

  /** A setting's value by the precedence property, environment; empty when neither is set. */
  public Optional<String> get(Setting s) {
    Optional<String> fromProperty =
        s.property().map(properties).filter(v -> !v.isBlank()).map(String::strip);
    if (fromProperty.isPresent()) {
      return fromProperty;
    }
    return s.variable().map(environment::get).filter(v -> !v.isBlank()).map(String::strip);
  }

  /** Where the setting's value came from: {@code -Dpvh.x}, {@code $PVH_X} or {@code default}. */
  public String source(Setting s) {
    if (s.property().map(properties).filter(v -> !v.isBlank()).isPresent()) {
      return "-D" + s.property().get();
    }
    if (s.variable().map(environment::get).filter(v -> !v.isBlank()).isPresent()) {
      return "$" + s.variable().get();
    }
    return "default";
  }

  /** The checkout: {@link Setting#HOME}, else the one the harness's classes were loaded from. */
  public Path home() {
    return get(Setting.HOME).map(Path::of).orElseGet(Settings::checkoutOfClasses);
  }

  public Path recipes() {
    return path(Setting.RECIPES, home().resolve("images/recipes"));
  }

  /**
   * The lock: {@link Setting#LOCK_FILE}, else the checkout's {@code images/packages.lock.json} for
   * the checkout's recipes, else {@code packages.lock.json} inside a recipe folder of one's own
   * ({@link Setting#RECIPES}), so resolving a user's recipes never writes into the checkout's lock.
   */
  public Path lockFile() {
    Path checkoutLock = home().resolve("images/packages.lock.json");
    Path recipes = recipes().toAbsolutePath().normalize();
    boolean ownRecipes =
        !recipes.equals(home().resolve("images/recipes").toAbsolutePath().normalize());
    return path(
        Setting.LOCK_FILE, ownRecipes ? recipes.resolve("packages.lock.json") : checkoutLock);
  }

  /** The guest's init and its README: {@code <home>/images/guest}. */
  public Path guestDir() {
    return home().resolve("images/guest");
  }

  public Path config() {
    return path(Setting.CONFIG, home().resolve("guest-configs/smoke.yaml"));
  }

  public Path buildDir() {
    return path(Setting.BUILD_DIR, home().resolve("target"));
  }

  public Path runDir() {
    return path(Setting.RUN_DIR, Path.of("/tmp"));
  }

  /**
   * {@link Setting#MAX_CELLS}: a positive whole number, else a {@link SettingException} saying so.
   */
  public int maxCells() {
    return value(Setting.MAX_CELLS)
        .wholeNumber(100_000, 1, Integer.MAX_VALUE, "is not a positive whole number of cells");
  }

  /** {@link Setting#ACCELERATOR}: tcg, kvm or auto, else a {@link SettingException} saying so. */
  public String accelerator() {
    return value(Setting.ACCELERATOR)
        .oneOf(
            "tcg", List.of("tcg", "kvm", "auto"), "is not an accelerator; valid: tcg, kvm, auto");
  }

  /** {@link Setting#RETRY_INFRA}: a whole number from 0, else a {@link SettingException}. */
  public int retryInfra() {
    return value(Setting.RETRY_INFRA)
        .wholeNumber(0, 0, 10, "is not a number of retries; valid: 0..10");
  }

  /**
   * {@link Setting#RUN_ID}, when set: {@code [A-Za-z0-9._-]}, at most 100 characters, else a {@link
   * SettingException} saying so (it becomes part of KCIDB ids and file names).
   */
  public Optional<String> runId() {
    return value(Setting.RUN_ID)
        .matching(
            "[A-Za-z0-9._-]{1,100}",
            "is not a run id: use letters, digits, '.', '_' and '-' (at most 100)");
  }

  /**
   * {@link Setting#KCIDB_ORIGIN}: {@code [a-z0-9_]+} as KCIDB requires, else a SettingException.
   */
  public String kcidbOrigin() {
    return value(Setting.KCIDB_ORIGIN)
        .matching("[a-z0-9_]+", "is not a KCIDB origin: lower-case letters, digits and '_' only")
        .orElse("pvpanic_harness");
  }

  /**
   * {@link Setting#ARTIFACTS_URL}, when set: an absolute URL (with a scheme), without a trailing
   * slash, else a {@link SettingException}.
   */
  public Optional<URI> artifactsUrl() {
    return value(Setting.ARTIFACTS_URL)
        .absoluteUrl(
            "is not an absolute URL (e.g. https://ci.example/job/42/artifacts/raw/target/cells)");
  }

  /** {@link Setting#REQUIRE}: the names listed, lower-cased; empty when none. */
  public List<String> require() {
    List<String> out = new ArrayList<>();
    for (String n : get(Setting.REQUIRE).orElse("").split("[,\\s]+")) {
      if (!n.isBlank()) {
        out.add(n.strip().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  public boolean cold() {
    return value(Setting.COLD).flag();
  }

  /** Whether a QEMU that cannot be confined is refused rather than run with a warning. */
  public boolean requireConfinement() {
    return value(Setting.REQUIRE_CONFINEMENT).flag();
  }

  /** Whether qemu_args that undo the confinement are taken. */
  public boolean allowUnconfined() {
    return value(Setting.ALLOW_UNCONFINED).flag();
  }

  /** The accounts QEMU may drop to, in order of preference. */
  public List<String> qemuUsers() {
    return get(Setting.QEMU_USER).map(List::of).orElse(List.of("pvh-qemu", "nobody"));
  }

  /**
   * The cache: {@code pvh.cache.dir} / {@code $PVH_CACHE_DIR}, else {@code
   * $XDG_CACHE_HOME/pvpanic-harness} (absolute only: the XDG spec says a relative one is invalid),
   * else {@code ~/.cache/pvpanic-harness}.
   */
  public Path cacheDir() {
    Optional<String> explicit = get(Setting.CACHE_DIR);
    if (explicit.isPresent()) {
      return Path.of(explicit.get());
    }
    Optional<Path> xdg = get(Setting.XDG_CACHE_HOME).map(Path::of).filter(Path::isAbsolute);
    if (xdg.isPresent()) {
      return xdg.get().resolve("pvpanic-harness");
    }
    return Path.of(get(Setting.USER_HOME).orElse("/root"), ".cache", "pvpanic-harness");
  }

  /** A path typed by a person: relative ones are taken from {@link Setting#USER_DIR}. */
  public Path userPath(String typed) {
    Path p = Path.of(typed);
    if (p.isAbsolute()) {
      return p;
    }
    return get(Setting.USER_DIR).map(base -> Path.of(base).resolve(p).normalize()).orElse(p);
  }

  /**
   * The host's architecture as Java names it ({@code amd64}, {@code aarch64}): a fact of this JVM,
   * not a setting, so it is read here once for every session of the JVM.
   */
  public static String hostArch() {
    return System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
  }

  /**
   * The folders of this JVM's {@code PATH}: per JVM, not per session, because the programs the
   * harness starts (QEMU, gcc, make) are looked up on the JVM's own {@code PATH} whatever a
   * session's settings say.
   */
  public static List<Path> pathFolders() {
    List<Path> out = new ArrayList<>();
    for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")) {
      if (!dir.isBlank()) {
        out.add(Path.of(dir));
      }
    }
    return out;
  }

  private SettingValue value(Setting s) {
    return new SettingValue(this, s);
  }

  private Path path(Setting s, Path fallback) {
    return get(s).map(Path::of).orElse(fallback);
  }

  /** Every setting with its value and where it came from, one per line. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Setting s : Setting.values()) {
      String value =
          get(s).orElse(s.defaultText().isEmpty() ? "(not set)" : "(" + s.defaultText() + ")");
      if (s == Setting.HOME) {
        value = home().toString();
      }
      sb.append(String.format("%-46s %-14s %s%n", name(s), source(s), value));
    }
    return sb.toString();
  }

  private static String name(Setting s) {
    List<String> names = new ArrayList<>();
    s.property().ifPresent(p -> names.add("-D" + p));
    s.variable().ifPresent(v -> names.add("$" + v));
    return String.join(" / ", names);
  }

  /**
   * The checkout holding this code: from {@code <checkout>/target/classes} or {@code
   * <checkout>/target/pvpanic-harness.jar}, the first folder up that has {@code images/recipes};
   * else the current folder.
   */
  private static Path checkoutOfClasses() {
    try {
      Path code =
          Path.of(
              Objects.requireNonNull(Settings.class.getProtectionDomain().getCodeSource())
                  .getLocation()
                  .toURI());
      for (Path p = code.toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isDirectory(p.resolve("images/recipes"))) {
          return p;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through: the current folder
    }
    return Path.of("").toAbsolutePath();
  }
}
