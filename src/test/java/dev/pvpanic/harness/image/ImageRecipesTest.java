package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe typed by hand is refused with its file and what would be valid, never half-read. */
class ImageRecipesTest {
  @TempDir Path dir;

  private String refusal(String yaml) throws Exception {
    Path file = dir.resolve("x86_64-6.12.yaml");
    Files.writeString(file, yaml);
    RecipeException e = assertThrows(RecipeException.class, () -> ImageRecipes.parse(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aRecipeWithoutCmdlineIsRefusedNotANullPointer() throws Exception {
    String m =
        refusal(
            "name: x86_64-6.12\narch: x86_64\nversion: \"6.12\"\n"
                + "kernel: {suite: trixie, package: linux-image-amd64}\n");
    assertTrue(m.contains("'cmdline' is missing (the kernel command line"), m);
  }

  @Test
  void anUnknownKeyNamesTheValidOnesNotAJavaClass() throws Exception {
    String m =
        refusal(
            "name: x86_64-6.12\narch: x86_64\nversion: \"6.12\"\ncmdline: console=ttyS0\n"
                + "kernel: {suite: trixie, package: linux-image-amd64}\ncmdlnie: typo\n");
    assertTrue(m.contains("unknown key 'cmdlnie'; valid: name, arch"), m);
    assertTrue(!m.contains("RecipeYaml"), m);
  }

  @Test
  void aBadPolicyNamesTheValidOnes() throws Exception {
    String m =
        refusal(
            "name: x86_64-6.12\narch: x86_64\nversion: \"6.12\"\ncmdline: console=ttyS0\n"
                + "kernel: {suite: trixie, package: linux-image-amd64}\npvpanic: sometimes\n");
    assertTrue(m.contains("valid: auto, build, build-without-device-table, none"), m);
  }

  @Test
  void triggerModulesFollowsAPvpanicBuildUnlessTheRecipeSaysOtherwise() throws Exception {
    String base =
        "name: x86_64-6.12\narch: x86_64\nversion: \"6.12\"\ncmdline: console=ttyS0\n"
            + "kernel: {suite: trixie, package: linux-image-amd64}\n";
    Path file = dir.resolve("x86_64-6.12.yaml");
    Files.writeString(file, base);
    ImageRecipe auto = ImageRecipes.parse(file);
    assertEquals(false, auto.triggerModules());
    assertEquals(false, auto.buildsModules());
    Files.writeString(file, base + "triggerModules: build\n");
    ImageRecipe oops = ImageRecipes.parse(file);
    assertEquals(true, oops.triggerModules());
    assertEquals(true, oops.buildsModules());
    assertEquals(ImageRecipe.DriverPolicy.AUTO, oops.pvpanic());
    Files.writeString(file, base + "pvpanic: build\n");
    assertEquals(true, ImageRecipes.parse(file).triggerModules());
    Files.writeString(file, base + "pvpanic: build\ntriggerModules: none\n");
    ImageRecipe driverOnly = ImageRecipes.parse(file);
    assertEquals(false, driverOnly.triggerModules());
    assertEquals(true, driverOnly.buildsModules());

    String m = refusal(base + "triggerModules: yes please\n");
    assertTrue(m.contains("triggerModules: 'yes please'; valid: build"), m);
    assertTrue(m.contains(", none"), m);
  }

  @Test
  void theShippedRecipesParse() {
    ImageRecipes recipes = ImageRecipes.load(Path.of("images/recipes"));
    assertEquals("console=ttyS0 crashkernel=192M", recipes.get("x86_64-6.12").cmdline());
  }
}
