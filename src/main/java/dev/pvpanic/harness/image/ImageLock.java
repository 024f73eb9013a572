package dev.pvpanic.harness.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.image.debian.LockedPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * images/packages.lock.json: every package each recipe is built from, pinned to version and
 * SHA-256, so a bug report reproduces with the same bits and a warm cache builds with no network
 * request. {@code images lock} re-resolves it against the mirror.
 *
 * <p>The {@code qemu} section pins the Debian QEMU builds the {@code qemu} axis names (e.g. {@code
 * debian:bookworm-backports}), by build key (see {@code image.qemu.DebianQemu}), the same way: the
 * first use resolves and writes them, later ones fetch exactly those packages. The {@code systems}
 * section pins the debian userland's packages ({@link SystemImage}), by suite and architecture
 * ({@code debian-bookworm-amd64}), every package of the installed system.
 */
public record ImageLock(
    int format,
    Map<String, RecipePins> recipes,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<LockedPackage>> qemu,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, List<LockedPackage>> systems) {
  public static final int FORMAT = 1;

  /** The packages of one recipe, by role. */
  public record RecipePins(
      List<LockedPackage> kernel, List<LockedPackage> userland, List<LockedPackage> moduleBuild) {
    public RecipePins {
      kernel = sorted(kernel);
      userland = sorted(userland);
      moduleBuild = moduleBuild == null ? List.of() : sorted(moduleBuild);
    }

    private static List<LockedPackage> sorted(List<LockedPackage> l) {
      return l.stream()
          .sorted(Comparator.comparing(LockedPackage::name).thenComparing(LockedPackage::arch))
          .toList();
    }

    /**
     * What of {@code recipe} these pins no longer follow, when it changed after they were resolved:
     * its kernel package or suite (or exact version), its userland suite, or whether it builds the
     * driver; empty when they still match. Checked against the recipe's declared inputs, so a stale
     * entry is refused instead of silently building the old image.
     */
    public Optional<String> staleFor(ImageRecipe recipe) {
      List<String> changed = new java.util.ArrayList<>();
      if (recipe.kernel() instanceof ImageRecipe.DebianKernel k) {
        boolean pinned =
            kernel.stream()
                .anyMatch(
                    p ->
                        p.name().equals(k.pkg())
                            && p.suite().equals(k.suite())
                            && k.exactVersion().map(v -> v.equals(p.version())).orElse(true));
        if (!pinned) {
          changed.add(
              "kernel "
                  + k.pkg()
                  + k.exactVersion().map(v -> " " + v).orElse("")
                  + " from "
                  + k.suite()
                  + " (the lock pins "
                  + kernel.stream().map(LockedPackage::toString).limit(2).toList()
                  + ")");
        }
      }
      List<String> suites =
          userland.stream().map(LockedPackage::suite).distinct().sorted().toList();
      if (!userland.isEmpty() && !suites.equals(List.of(recipe.userlandSuite()))) {
        changed.add("userland from " + recipe.userlandSuite() + " (the lock pins " + suites + ")");
      }
      if (recipe.kernel() instanceof ImageRecipe.DebianKernel) {
        moduleBuildChange(recipe).ifPresent(changed::add);
      }
      return changed.isEmpty()
          ? Optional.empty()
          : Optional.of(
              "recipe '"
                  + recipe.name()
                  + "' changed since the lock pinned it: "
                  + String.join("; ", changed)
                  + ". Re-resolve it with `pvpanic images lock "
                  + recipe.name()
                  + "`");
    }

    /**
     * Whether the module-build pins still fit the recipe: headers, kbuild and toolchain exactly
     * when it builds modules ({@link ImageRecipe#buildsModules}), and the kernel's linux-source
     * exactly when it builds pvpanic.
     */
    private Optional<String> moduleBuildChange(ImageRecipe recipe) {
      String what =
          "pvpanic: "
              + recipe.pvpanic().name().toLowerCase(java.util.Locale.ROOT)
              + ", triggerModules: "
              + (recipe.triggerModules() ? "build" : "none");
      if (recipe.buildsModules() == moduleBuild.isEmpty()) {
        return Optional.of(
            what
                + (recipe.buildsModules()
                    ? " (the lock pins no module build packages)"
                    : " (the lock pins module build packages)"));
      }
      boolean source = moduleBuild.stream().anyMatch(p -> p.name().startsWith("linux-source-"));
      boolean wantsSource = recipe.pvpanic().builds();
      if (source != wantsSource) {
        return Optional.of(
            what
                + (wantsSource
                    ? " (the lock pins no linux-source to build pvpanic from)"
                    : " (the lock pins a linux-source only a pvpanic build needs)"));
      }
      return Optional.empty();
    }

    /** Every pin, in a stable order. */
    public List<LockedPackage> all() {
      return java.util.stream.Stream.of(kernel, userland, moduleBuild)
          .flatMap(List::stream)
          .toList();
    }
  }

  public ImageLock {
    recipes = new TreeMap<>(recipes);
    // absent in lock files written before QEMU builds were pinned
    qemu = qemu == null ? new TreeMap<>() : new TreeMap<>(qemu);
    systems = systems == null ? new TreeMap<>() : new TreeMap<>(systems);
  }

  public ImageLock(int format, Map<String, RecipePins> recipes) {
    this(format, recipes, Map.of(), Map.of());
  }

  public ImageLock(
      int format, Map<String, RecipePins> recipes, Map<String, List<LockedPackage>> qemu) {
    this(format, recipes, qemu, Map.of());
  }

  public static ImageLock empty() {
    return new ImageLock(FORMAT, Map.of());
  }

  public static ImageLock readOrEmpty(Path file) {
    if (!Files.exists(file)) {
      return empty();
    }
    try {
      ImageLock lock = Json.CANONICAL.readValue(file.toFile(), ImageLock.class);
      if (lock.format() != FORMAT) {
        throw new HarnessException(
            file
                + ": lock format "
                + lock.format()
                + " is not "
                + FORMAT
                + "; re-run 'images lock'");
      }
      return lock;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new dev.pvpanic.harness.image.debian.LockFileException(
          file
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": not a lock file the harness can read ("
              + why(e)
              + "): cut short or edited by hand? Restore it (git checkout "
              + file.getFileName()
              + ") or make it anew with 'pvpanic images lock'");
    } catch (IOException e) {
      throw new HarnessException(
          "cannot read lock file " + file + ": " + dev.pvpanic.harness.IoText.of(e, file), e);
    }
  }

  /**
   * What is wrong with a lock the parser refused, in the file's terms: the parser's own words for
   * JSON that is broken or cut short, but not the binder's, which name Java classes and tokens.
   */
  private static String why(com.fasterxml.jackson.core.JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
        && e.getOriginalMessage().startsWith("No content to map")) {
      return "it is empty";
    }
    if (e instanceof com.fasterxml.jackson.databind.DatabindException) {
      return "valid JSON, but not a mapping of format, recipes, qemu and systems pins";
    }
    return e.getOriginalMessage().lines().findFirst().orElse("");
  }

  public Optional<RecipePins> pins(String recipe) {
    return Optional.ofNullable(recipes.get(recipe));
  }

  public ImageLock with(String recipe, RecipePins pins) {
    Map<String, RecipePins> m = new TreeMap<>(recipes);
    m.put(recipe, pins);
    return new ImageLock(FORMAT, m, qemu, systems);
  }

  /** The packages a Debian QEMU build is pinned to, by its key. */
  public Optional<List<LockedPackage>> qemuPins(String key) {
    return Optional.ofNullable(qemu.get(key));
  }

  public ImageLock withQemu(String key, List<LockedPackage> pins) {
    Map<String, List<LockedPackage>> m = new TreeMap<>(qemu);
    m.put(key, List.copyOf(pins));
    return new ImageLock(FORMAT, recipes, m, systems);
  }

  /** The packages of a debian userland, by its key ({@code debian-bookworm-amd64}). */
  public Optional<List<LockedPackage>> systemPins(String key) {
    return Optional.ofNullable(systems.get(key));
  }

  public ImageLock withSystem(String key, List<LockedPackage> pins) {
    Map<String, List<LockedPackage>> m = new TreeMap<>(systems);
    m.put(key, List.copyOf(pins));
    return new ImageLock(FORMAT, recipes, qemu, m);
  }

  /** Writes atomically (temp file + rename), so an interrupted write never leaves half a lock. */
  public void write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".lock-", ".json");
      Files.writeString(
          tmp, Json.CANONICAL.writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
      // temp files are created 0600; the lock is a checked-in file every user of it reads
      if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(
            tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new HarnessException("cannot write lock file " + file + ": " + e.getMessage(), e);
    }
  }
}
