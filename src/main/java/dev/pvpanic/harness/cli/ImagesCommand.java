package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.RecipeResolver;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pvpanic images list|build|lock}: the guest images, their lock and their cache. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "Guest images: list recipes, build them, re-resolve their lock.",
    subcommands = {
      ImagesCommand.ListImages.class,
      ImagesCommand.Build.class,
      ImagesCommand.Lock.class,
      QemuSourceCommand.class,
      KernelSourceCommand.class
    })
final class ImagesCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    main.terminal().err().println("pvpanic images: which? list, build or lock");
    spec.commandLine().usage(main.terminal().err());
    return ExitStatus.USAGE.code();
  }

  /** The recipes named, or all of them; an unknown name is a usage error listing the recipes. */
  static List<ImageRecipe> chosen(ImageRecipes recipes, List<String> names) {
    if (names == null || names.isEmpty()) {
      return List.copyOf(new TreeMap<>(recipes.all()).values());
    }
    List<ImageRecipe> out = new ArrayList<>();
    for (String n : names) {
      out.add(recipes.get(RecipeChoice.known(recipes, n, "recipe")));
    }
    return out;
  }

  /** The kernel a recipe's lock pins, e.g. {@code 6.12.48+deb13-amd64 (6.12.48-1)}. */
  static String lockedKernel(Optional<RecipePins> pins) {
    if (pins.isEmpty()) {
      return "not locked";
    }
    List<LockedPackage> kernel = pins.get().kernel();
    if (kernel.isEmpty()) {
      return "local kernel";
    }
    Optional<String> release = RecipeResolver.release(kernel);
    String version =
        kernel.stream()
            .filter(p -> release.map(r -> p.name().endsWith(r)).orElse(false))
            .map(LockedPackage::version)
            .findFirst()
            .orElse(kernel.get(0).version());
    return release.orElse(kernel.get(0).name()) + " (" + version + ")";
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Recipes, locks, cache.")
  static final class ListImages implements Callable<Integer> {
    @ParentCommand ImagesCommand images;

    @Override
    public Integer call() {
      PrintStream out = images.main.terminal().out();
      ImageRecipes recipes = ImageRecipes.load(images.main.settings().recipes());
      Path lockFile = images.main.settings().lockFile();
      ImageLock lock = ImageLock.readOrEmpty(lockFile);
      ContentStore store = ContentStore.at(images.main.settings());
      CachedImages cached = CachedImages.in(store.root());
      out.printf(
          "%-18s %-8s %-7s %-44s %s%n", "recipe", "arch", "pvpanic", "locked kernel", "cached");
      for (ImageRecipe r : chosen(recipes, List.of())) {
        Optional<RecipePins> pins = lock.pins(r.name());
        out.printf(
            "%-18s %-8s %-7s %-44s %s%n",
            r.name(),
            r.arch(),
            r.pvpanic().name().toLowerCase(java.util.Locale.ROOT),
            lockedKernel(pins),
            pins.map(p -> cached.holds(r.name(), p) ? "yes" : "no").orElse("no"));
      }
      out.println("lock: " + lockFile.toAbsolutePath() + "; cache: " + store.root());
      return ExitStatus.PASS.code();
    }
  }

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Builds the images of the recipes named (default: all; with --userland debian, all"
              + " of x86_64 and aarch64), from the lock.")
  static final class Build implements Callable<Integer> {
    @ParentCommand ImagesCommand images;

    @Parameters(paramLabel = "RECIPE", arity = "0..*", description = "recipe names")
    List<String> names;

    @Option(
        names = "--userland",
        paramLabel = "minimal|debian",
        description =
            "the busybox initramfs (minimal, default) or the Debian system disk on each recipe's"
                + " kernel (debian)")
    String userland = Userland.MINIMAL.id();

    @Override
    public Integer call() {
      PrintStream out = images.main.terminal().out();
      Userland u;
      try {
        u = Userland.parse(userland);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--userland: " + e.getMessage());
      }
      List<ImageRecipe> chosen = chosen(ImageRecipes.load(images.main.settings().recipes()), names);
      if (u == Userland.DEBIAN) {
        if (names != null && !names.isEmpty()) {
          for (ImageRecipe r : chosen) {
            Optional<String> why = Userland.unsupported(r.arch());
            if (why.isPresent()) {
              throw new UsageException(r.name() + ": " + why.get());
            }
          }
        }
        chosen = chosen.stream().filter(r -> Userland.unsupported(r.arch()).isEmpty()).toList();
      }
      ImageBuilder builder = images.main.images(line -> out.println("-- " + line));
      ExitStatus status = ExitStatus.PASS;
      for (ImageRecipe r : chosen) {
        String name = u.imageName(r.name());
        try {
          GuestImage image = builder.image(name);
          out.printf(
              "%-18s ready: kernel %s, pvpanic driver %s, image %s%n",
              name, image.kernelRelease(), image.driver(), image.id().substring(0, 12));
        } catch (RuntimeException e) {
          out.printf("%-18s FAILED: %s%n", name, e.getMessage());
          ExitStatus why = Main.isInputError(e) ? ExitStatus.USAGE : ExitStatus.INFRASTRUCTURE;
          status = why.code() > status.code() ? why : status;
        }
      }
      return status.code();
    }
  }

  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description =
          "Re-resolves the recipes named (default: all) against the Debian mirror and writes"
              + " their pins to the lock file.")
  static final class Lock implements Callable<Integer> {
    @ParentCommand ImagesCommand images;

    @Parameters(paramLabel = "RECIPE", arity = "0..*", description = "recipe names")
    List<String> names;

    @Override
    public Integer call() {
      PrintStream out = images.main.terminal().out();
      List<ImageRecipe> chosen = chosen(ImageRecipes.load(images.main.settings().recipes()), names);
      Path lockFile = images.main.settings().lockFile();
      RecipeResolver resolver =
          new RecipeResolver(archive(images.main.settings(), images.main.mirror()));
      ExitStatus status = ExitStatus.PASS;
      for (ImageRecipe r : chosen) {
        try {
          RecipePins pins = resolver.resolve(r);
          ImageLock lock = ImageLock.readOrEmpty(lockFile);
          List<String> changes = changes(lock.pins(r.name()), pins);
          lock.with(r.name(), pins).write(lockFile);
          out.printf(
              "%-18s %s: %s%n",
              r.name(),
              lockedKernel(Optional.of(pins)),
              changes.isEmpty() ? "unchanged" : String.join("; ", changes));
        } catch (RuntimeException e) {
          out.printf("%-18s FAILED: %s%n", r.name(), e.getMessage());
          status = ExitStatus.INFRASTRUCTURE;
        }
      }
      out.println("lock: " + lockFile.toAbsolutePath());
      return status.code();
    }

    /** The Debian archive as the image builder wires it, with {@code --mirror} if given. */
    private static DebianArchive archive(Settings settings, Optional<String> mirror) {
      return ImageEnvironment.archive(settings, mirror, ContentStore.at(settings));
    }
  }

  /** What changed between two pins of a recipe, package by package. */
  static List<String> changes(Optional<RecipePins> before, RecipePins after) {
    Map<String, String> old = new TreeMap<>();
    before.ifPresent(b -> b.all().forEach(p -> old.put(p.name(), p.version())));
    Map<String, String> now = new TreeMap<>();
    after.all().forEach(p -> now.put(p.name(), p.version()));
    List<String> out = new ArrayList<>();
    if (before.isEmpty()) {
      out.add("newly locked (" + now.size() + " packages)");
      return out;
    }
    now.forEach(
        (name, v) -> {
          String was = old.get(name);
          if (was == null) {
            out.add("+" + name + " " + v);
          } else if (!was.equals(v)) {
            out.add(name + " " + was + " -> " + v);
          }
        });
    old.keySet().stream().filter(n -> !now.containsKey(n)).forEach(n -> out.add("-" + n));
    return out;
  }
}
