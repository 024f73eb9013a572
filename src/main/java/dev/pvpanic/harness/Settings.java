package dev.pvpanic.harness;

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
 * Every setting of the harness in one place: its Java property, its environment variable, its
 * default, and what it is for. One precedence for all of them: the property ({@code
 * -Dpvh.cache.dir=...}), then the environment ({@code PVH_CACHE_DIR}), then the default. This is
 * the only class that reads {@code System.getProperty} or {@code System.getenv}; everything else is
 * handed a {@code Settings} (tests build their own with {@link #of}).
 *
 * <p>Paths of the checkout (recipes, the lock file, the guest's init, guest configs) are taken from
 * {@link Setting#HOME}, never from the current folder.
 */
public final class Settings {

  /** One setting. A {@code null} property or variable means the setting has no such source. */
  public enum Setting {
    HOME(
        "pvh.home",
        "PVH_HOME",
        "the checkout the jar was built in",
        "the checkout: images/, guest-configs/ are found here"),
    RECIPES("pvh.recipes", "PVH_RECIPES", "<home>/images/recipes", "image recipe folder"),
    LOCK_FILE(
        "pvh.lock.file",
        "PVH_LOCK_FILE",
        "<home>/images/packages.lock.json, or <recipes>/packages.lock.json for a recipe folder of"
            + " one's own",
        "package lock file"),
    CONFIG("pvh.config", "PVH_CONFIG", "<home>/guest-configs/smoke.yaml", "guest config of a run"),
    SHARD("pvh.shard", "PVH_SHARD", "", "one shard of the matrix, k/n"),
    PARALLEL("pvh.parallel", "PVH_PARALLEL", "auto", "guests at once (a number or auto)"),
    COLD("pvh.cold", "PVH_COLD", "false", "boot every guest instead of restoring snapshots"),
    RETRY_INFRA(
        "pvh.retry.infra",
        "PVH_RETRY_INFRA",
        "0",
        "run a cell whose verdict is INFRASTRUCTURE_ERROR again, up to N times (attempts kept)"),
    ACCELERATOR(
        "pvh.accelerator",
        "PVH_ACCELERATOR",
        "tcg",
        "the accelerator of cells that name none: tcg, kvm, or auto (KVM where a probe boots a"
            + " guest under it, else TCG)"),
    MAX_CELLS(
        "pvh.max.cells",
        "PVH_MAX_CELLS",
        "100000",
        "the largest axes product a guest config may expand to (refused before it is expanded)"),
    BUILD_DIR("pvh.build.dir", "PVH_BUILD_DIR", "<home>/target", "build folder (cells, reports)"),
    CACHE_DIR(
        "pvh.cache.dir",
        "PVH_CACHE_DIR",
        "$XDG_CACHE_HOME/pvpanic-harness, else ~/.cache/pvpanic-harness",
        "cache of packages, images, QEMU builds, snapshots"),
    RUN_DIR("pvh.run.dir", "PVH_RUN_DIR", "/tmp", "run folders (unix sockets: keep it short)"),
    DEBIAN_MIRROR(
        "pvh.debian.mirror", "PVH_DEBIAN_MIRROR", "the host's apt sources", "Debian mirror"),
    DEBIAN_SECURITY_MIRROR(
        "pvh.debian.security.mirror",
        "PVH_DEBIAN_SECURITY_MIRROR",
        "the host's apt sources",
        "Debian security mirror"),
    DEBIAN_ALLOW_STALE(
        "pvh.debian.allow-stale",
        "PVH_DEBIAN_ALLOW_STALE",
        "false",
        "take Debian metadata past its Valid-Until (a snapshot archive)"),
    REQUIRE_CONFINEMENT(
        "pvh.require-confinement",
        "PVH_REQUIRE_CONFINEMENT",
        "false",
        "refuse to start a QEMU that cannot be confined (no seccomp sandbox, or root with no"
            + " account to drop to) instead of running it with a warning"),
    ALLOW_UNCONFINED(
        "pvh.allow-unconfined",
        "PVH_ALLOW_UNCONFINED",
        "false",
        "take qemu_args that undo the confinement (-sandbox, -runas, -run-with, -netdev, -virtfs,"
            + " a -chardev on a host path...): the user means it"),
    QEMU_USER(
        "pvh.qemu.user",
        "PVH_QEMU_USER",
        "pvh-qemu (made by ci/setup.sh), else nobody",
        "the account QEMU drops to when the harness runs as root"),
    BUILD_TREE(
        "pvh.build-tree",
        "PVH_BUILD_TREE",
        "",
        "a QEMU build tree (meson build folder) BuildTreeIT runs on; ci/qemu-build-tree.sh builds"
            + " one"),
    RUN_ID(
        "pvh.run-id",
        "PVH_RUN_ID",
        "a UTC time and a random suffix, made when the run starts, e.g. 20250611T101502Z-3fa9c1d2",
        "the run's id in reports and KCIDB ids (CI passes its pipeline id); [A-Za-z0-9._-]"),
    KCIDB_ORIGIN(
        "pvh.kcidb.origin",
        "PVH_KCIDB_ORIGIN",
        "pvpanic_harness",
        "the KCIDB origin: the submitting CI system's name, [a-z0-9_]"),
    ARTIFACTS_URL(
        "pvh.artifacts-url",
        "PVH_ARTIFACTS_URL",
        "",
        "where the cells folder (<build>/cells) is served, e.g. a CI job's artifact URL: KCIDB's"
            + " file URLs are made from it; without it KCIDB carries no URLs, only relative paths"),
    REQUIRE(
        "pvh.require",
        "PVH_REQUIRE",
        "",
        "what the machine must have, e.g. qemu,container: a test that would skip for a missing"
            + " one fails naming it (ci/test.sh sets it)"),
    KERNEL_BUILD_TREE(
        "pvh.kernel-build-tree",
        "PVH_KERNEL_BUILD_TREE",
        "",
        "a Linux build folder KernelBuildTreeIT runs on; ci/kernel-build-tree.sh builds one"),
    USER_DIR(
        null,
        "PVH_USER_DIR",
        "the current folder",
        "where relative paths on the command line are taken from (set by ci/pvpanic)"),
    WALL_SECONDS(null, "PVH_WALL_SECONDS", "", "a run's wall time, for the report"),
    XDG_CACHE_HOME(null, "XDG_CACHE_HOME", "", "the XDG cache folder"),
    USER_HOME("user.home", null, "", "the user's home folder"),
    PATH(null, "PATH", "", "where programs are looked up"),
    DOCKER_HOST(null, "DOCKER_HOST", "", "the Docker engine Testcontainers uses"),
    HOST_ARCH("os.arch", null, "", "the host's architecture as Java names it");

    private final String property;
    private final String variable;
    private final String defaultText;
    private final String meaning;

    Setting(String property, String variable, String defaultText, String meaning) {
      this.property = property;
      this.variable = variable;
      this.defaultText = defaultText;
      this.meaning = meaning;
    }

    public Optional<String> property() {
      return Optional.ofNullable(property);
    }

    public Optional<String> variable() {
      return Optional.ofNullable(variable);
    }

    /** The default in words, for people. */
    public String defaultText() {
      return defaultText;
    }

    public String meaning() {
      return meaning;
    }
  }

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
    Optional<String> v = get(Setting.MAX_CELLS);
    if (v.isEmpty()) {
      return 100_000; // GuestConfig.MAX_CELLS
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new SettingException(
        source(Setting.MAX_CELLS) + "=" + v.get() + " is not a positive whole number of cells");
  }

  /** {@link Setting#ACCELERATOR}: tcg, kvm or auto, else a {@link SettingException} saying so. */
  public String accelerator() {
    String v = get(Setting.ACCELERATOR).orElse("tcg").toLowerCase(java.util.Locale.ROOT);
    if (!List.of("tcg", "kvm", "auto").contains(v)) {
      throw new SettingException(
          source(Setting.ACCELERATOR) + "=" + v + " is not an accelerator; valid: tcg, kvm, auto");
    }
    return v;
  }

  /** {@link Setting#RETRY_INFRA}: a whole number from 0, else a {@link SettingException}. */
  public int retryInfra() {
    String v = get(Setting.RETRY_INFRA).orElse("0");
    try {
      int n = Integer.parseInt(v);
      if (n >= 0 && n <= 10) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new SettingException(
        source(Setting.RETRY_INFRA) + "=" + v + " is not a number of retries; valid: 0..10");
  }

  /**
   * {@link Setting#RUN_ID}, when set: {@code [A-Za-z0-9._-]}, at most 100 characters, else a {@link
   * SettingException} saying so (it becomes part of KCIDB ids and file names).
   */
  public Optional<String> runId() {
    Optional<String> v = get(Setting.RUN_ID);
    if (v.isPresent() && !v.get().matches("[A-Za-z0-9._-]{1,100}")) {
      throw new SettingException(
          source(Setting.RUN_ID)
              + "="
              + v.get()
              + " is not a run id: use letters, digits, '.', '_' and '-' (at most 100)");
    }
    return v;
  }

  /**
   * {@link Setting#KCIDB_ORIGIN}: {@code [a-z0-9_]+} as KCIDB requires, else a SettingException.
   */
  public String kcidbOrigin() {
    String v = get(Setting.KCIDB_ORIGIN).orElse("pvpanic_harness");
    if (!v.matches("[a-z0-9_]+")) {
      throw new SettingException(
          source(Setting.KCIDB_ORIGIN)
              + "="
              + v
              + " is not a KCIDB origin: lower-case letters, digits and '_' only");
    }
    return v;
  }

  /**
   * {@link Setting#ARTIFACTS_URL}, when set: an absolute URL (with a scheme), without a trailing
   * slash, else a {@link SettingException}.
   */
  public Optional<java.net.URI> artifactsUrl() {
    Optional<String> v = get(Setting.ARTIFACTS_URL);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    try {
      java.net.URI u = new java.net.URI(v.get().replaceAll("/+$", ""));
      if (u.isAbsolute() && u.getHost() != null) {
        return Optional.of(u);
      }
    } catch (URISyntaxException e) {
      // said below
    }
    throw new SettingException(
        source(Setting.ARTIFACTS_URL)
            + "="
            + v.get()
            + " is not an absolute URL (e.g. https://ci.example/job/42/artifacts/raw/target/cells)");
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
    return get(Setting.COLD).map(v -> v.equalsIgnoreCase("true")).orElse(false);
  }

  /** Whether a QEMU that cannot be confined is refused rather than run with a warning. */
  public boolean requireConfinement() {
    return get(Setting.REQUIRE_CONFINEMENT).map(v -> v.equalsIgnoreCase("true")).orElse(false);
  }

  /** Whether qemu_args that undo the confinement are taken. */
  public boolean allowUnconfined() {
    return get(Setting.ALLOW_UNCONFINED).map(v -> v.equalsIgnoreCase("true")).orElse(false);
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

  /** The host's architecture as Java names it ({@code amd64}, {@code aarch64}). */
  public String hostArch() {
    return get(Setting.HOST_ARCH).orElse("").toLowerCase(Locale.ROOT);
  }

  /** The folders of {@code PATH}. */
  public List<Path> pathFolders() {
    List<Path> out = new ArrayList<>();
    for (String dir : get(Setting.PATH).orElse("").split(":")) {
      if (!dir.isBlank()) {
        out.add(Path.of(dir));
      }
    }
    return out;
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
