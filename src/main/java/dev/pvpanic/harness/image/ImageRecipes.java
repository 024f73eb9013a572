package dev.pvpanic.harness.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.image.ImageRecipe.DebianKernel;
import dev.pvpanic.harness.image.ImageRecipe.DriverPolicy;
import dev.pvpanic.harness.image.ImageRecipe.KernelSource;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.ImageRecipe.LocalKernel;
import dev.pvpanic.harness.machine.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The recipes in a folder ({@code images/recipes/*.yaml}), by name. */
public final class ImageRecipes {
  private final Map<String, ImageRecipe> byName;

  private ImageRecipes(Map<String, ImageRecipe> byName) {
    this.byName = byName;
  }

  public static ImageRecipes load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new HarnessException(
          "no recipe folder "
              + folder.toAbsolutePath()
              + " (set PVH_RECIPES or run from a checkout)");
    }
    Map<String, ImageRecipe> recipes = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        ImageRecipe r = parse(f);
        String expected = f.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (!r.name().equals(expected)) {
          throw new HarnessException(
              f + ": recipe name '" + r.name() + "' must match its file name '" + expected + "'");
        }
        recipes.put(r.name(), r);
      }
    } catch (IOException e) {
      throw new HarnessException("cannot read recipes in " + folder, e);
    }
    return new ImageRecipes(recipes);
  }

  public static ImageRecipe parse(Path file) {
    RecipeYaml y;
    try {
      y = Json.STRICT_YAML.readValue(file.toFile(), RecipeYaml.class);
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new RecipeException(
          "invalid recipe "
              + file
              + ": unknown key '"
              + e.getPropertyName()
              + "'; valid: name, arch, version, kernel (suite, package, version, image, modules,"
              + " deb), userland (suite), cmdline, pvpanic, triggerModules",
          e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new RecipeException(
          "invalid recipe "
              + file
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          e);
    } catch (IOException e) {
      throw new HarnessException("cannot read recipe " + file + ": " + e.getMessage(), e);
    }
    if (y == null) {
      throw new RecipeException("invalid recipe " + file + ": it is empty");
    }
    try {
      return y.toRecipe(file);
    } catch (IllegalArgumentException e) {
      throw new RecipeException("invalid recipe " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The recipe called {@code name}, or the one a user's kernel ({@code deb:/path}, see {@link
   * UserKernels}) stands for; an unknown name gets an error listing the known ones.
   */
  public ImageRecipe get(String name) {
    java.util.Optional<String> system = Userland.systemOf(name);
    if (system.isPresent()) {
      return get(system.get()).withUserland(Userland.DEBIAN);
    }
    if (UserKernels.isSource(name)) {
      return UserKernels.recipe(name);
    }
    ImageRecipe r = byName.get(name);
    if (r == null) {
      throw new RecipeException(
          "unknown image recipe '"
              + name
              + "'; known recipes: "
              + String.join(", ", byName.keySet()));
    }
    return r;
  }

  public Map<String, ImageRecipe> all() {
    return Map.copyOf(byName);
  }

  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(byName.keySet());
  }

  /** The YAML shape; {@link #toRecipe} validates it. */
  static final class RecipeYaml {
    @JsonProperty(required = true)
    public String name;

    @JsonProperty(required = true)
    public String arch;

    @JsonProperty(required = true)
    public String version;

    @JsonProperty(required = true)
    public KernelYaml kernel;

    public UserlandYaml userland = new UserlandYaml();

    @JsonProperty(required = true)
    public String cmdline;

    public String pvpanic = "auto";

    public String triggerModules;

    ImageRecipe toRecipe(Path file) {
      if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("name must be letters, digits, '.', '_', '-'");
      }
      require(arch, "arch", "x86_64, aarch64 or riscv64");
      require(version, "version", "the kernel's major.minor, e.g. \"6.12\"");
      if (kernel == null) {
        throw new IllegalArgumentException(
            "'kernel' is missing (e.g. kernel: {suite: trixie, package: linux-image-amd64})");
      }
      require(cmdline, "cmdline", "the kernel command line, e.g. console=ttyS0 crashkernel=192M");
      return new ImageRecipe(
          name,
          Architecture.parse(arch),
          version,
          kernel.toSource(file.getParent()),
          userland.suite,
          cmdline,
          DriverPolicy.parse(pvpanic),
          Optional.of(file),
          triggerModules(DriverPolicy.parse(pvpanic)));
    }

    private boolean triggerModules(DriverPolicy policy) {
      if (triggerModules == null) {
        return policy.builds();
      }
      return switch (triggerModules.strip()) {
        case "build" -> true;
        case "none" -> false;
        default ->
            throw new IllegalArgumentException(
                "triggerModules: '"
                    + triggerModules
                    + "'; valid: build (the oops crasher built against the kernel's headers),"
                    + " none");
      };
    }
  }

  private static void require(String value, String key, String example) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("'" + key + "' is missing (" + example + ")");
    }
  }

  static final class KernelYaml {
    public String suite;

    @JsonProperty("package")
    public String pkg;

    public String version;
    public String image;
    public String modules;
    public String config;
    public String deb;

    KernelSource toSource(Path base) {
      int kinds = (pkg != null ? 1 : 0) + (image != null ? 1 : 0) + (deb != null ? 1 : 0);
      if (kinds != 1) {
        throw new IllegalArgumentException(
            "kernel needs exactly one of: 'package' (with 'suite'), 'image' (with optional"
                + " 'modules' and 'config'), 'deb'");
      }
      if (pkg != null) {
        if (suite == null) {
          throw new IllegalArgumentException("kernel 'package' needs a 'suite' (e.g. bookworm)");
        }
        return new DebianKernel(suite, pkg, Optional.ofNullable(version));
      }
      if (image != null) {
        return new LocalKernel(
            base.resolve(image).normalize(),
            Optional.ofNullable(modules).map(m -> base.resolve(m).normalize()),
            Optional.ofNullable(config).map(c -> base.resolve(c).normalize()));
      }
      return new LocalDeb(base.resolve(deb).normalize());
    }
  }

  static final class UserlandYaml {
    public String suite = "bookworm";
  }
}
