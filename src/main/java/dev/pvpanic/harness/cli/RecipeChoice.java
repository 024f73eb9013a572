package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.UserKernels;
import dev.pvpanic.harness.machine.Architecture;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which recipe a command means: {@code --recipe NAME}, or {@code --arch} and {@code --kernel}
 * matched against the recipes' architecture and kernel series. Anything but exactly one match is a
 * usage error that lists the recipes.
 */
final class RecipeChoice {
  private RecipeChoice() {}

  static String resolve(
      ImageRecipes recipes,
      Optional<String> recipe,
      Optional<String> arch,
      Optional<String> kernel,
      Function<String, Path> userPath) {
    if (kernel.isPresent() && UserKernels.isSource(kernel.get())) {
      if (recipe.isPresent()) {
        throw new UsageException(
            "give --recipe, or --kernel " + kernel.get() + " (your own kernel), not both");
      }
      return userKernel(recipes, kernel.get(), arch, userPath);
    }
    if (recipe.isPresent()) {
      if (arch.isPresent() || kernel.isPresent()) {
        throw new UsageException(
            "give --recipe, or --arch with --kernel, not both (recipes: " + list(recipes) + ")");
      }
      return known(recipes, recipe.get(), "--recipe");
    }
    if (arch.isEmpty() && kernel.isEmpty()) {
      throw new UsageException(
          "which guest? give --recipe NAME, or --arch ARCH --kernel VERSION; recipes: "
              + list(recipes));
    }
    Optional<Architecture> a = arch.map(RecipeChoice::architecture);
    Optional<String> k = kernel.map(RecipeChoice::series);
    List<ImageRecipe> matches =
        recipes.all().values().stream()
            .filter(r -> a.isEmpty() || r.arch() == a.get())
            .filter(r -> k.isEmpty() || r.version().equals(k.get()))
            // a recipe that injects a regression is asked for by name, never picked for a guest
            .filter(r -> r.pvpanic() != ImageRecipe.DriverPolicy.BUILD_WITHOUT_DEVICE_TABLE)
            .sorted(java.util.Comparator.comparing(ImageRecipe::name))
            .toList();
    String asked =
        arch.map(v -> "--arch " + v).orElse("")
            + (arch.isPresent() && kernel.isPresent() ? " " : "")
            + kernel.map(v -> "--kernel " + v).orElse("");
    if (matches.isEmpty()) {
      throw new UsageException("no recipe matches " + asked + "; recipes: " + list(recipes));
    }
    if (matches.size() > 1) {
      throw new UsageException(
          asked
              + " is ambiguous: it matches "
              + matches.stream().map(RecipeChoice::describe).collect(Collectors.joining(", "))
              + "; give --recipe with one of them");
    }
    return matches.get(0).name();
  }

  /**
   * A user's kernel ({@code deb:FILE}), its path taken from where it was typed; {@code --arch},
   * when given, must be the kernel's own architecture.
   */
  private static String userKernel(
      ImageRecipes recipes, String value, Optional<String> arch, Function<String, Path> userPath) {
    String name = UserKernels.absolute(value, userPath);
    ImageRecipe r = recipes.get(name);
    Optional<Architecture> asked = arch.map(RecipeChoice::architecture);
    if (asked.isPresent() && asked.get() != r.arch()) {
      throw new UsageException(
          "--arch "
              + asked.get().id()
              + " --kernel "
              + value
              + ": that kernel is for "
              + r.arch().id()
              + " ("
              + r.arch().debianArch()
              + "), not "
              + asked.get().id()
              + "; give --arch "
              + r.arch().id()
              + ", or a kernel built for "
              + asked.get().id()
              + " ("
              + asked.get().debianArch()
              + ")");
    }
    return name;
  }

  /** {@code name} if it is a recipe, else a usage error naming the recipes. */
  static String known(ImageRecipes recipes, String name, String where) {
    if (!recipes.names().contains(name)) {
      throw new UsageException(
          where + ": unknown recipe '" + name + "'; recipes: " + list(recipes));
    }
    return name;
  }

  /** Every recipe as {@code name (arch, kernel version)}. */
  static String list(ImageRecipes recipes) {
    return recipes.all().values().stream()
        .sorted(java.util.Comparator.comparing(ImageRecipe::name))
        .map(RecipeChoice::describe)
        .collect(Collectors.joining(", "));
  }

  private static String describe(ImageRecipe r) {
    return r.name() + " (" + r.arch() + ", kernel " + r.version() + ")";
  }

  private static Architecture architecture(String text) {
    try {
      return Architecture.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--arch: " + e.getMessage());
    }
  }

  /** {@code 7.x} and {@code 7} both name the series recipes call {@code 7}. */
  private static String series(String text) {
    return text.strip().replaceFirst("\\.x$", "");
  }
}
