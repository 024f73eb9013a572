package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageRecipe.LocalBuild;
import dev.pvpanic.harness.machine.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux build folder as the kernel under test ({@code build:}): read and checked before anything
 * boots, its modules installed outside it, every byte in the image key.
 */
class KernelBuildTreeTest {
  @TempDir Path tmp;

  private Path cache() throws IOException {
    return Files.createDirectories(tmp.resolve("cache"));
  }

  private static UserKernelInputs inputs(String value, Path cache) {
    return UserKernelInputs.of(UserKernels.recipe(value), cache, line -> {}).orElseThrow();
  }

  private static String hash(UserKernelInputs in) throws Exception {
    Sha256.Running sum = Sha256.running();
    in.hashInto(sum);
    return sum.hex();
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aBuildFolderGivesARecipeOfItsArchitectureAndSeries() {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    ImageRecipe r = UserKernels.recipe("build:" + tree);
    assertEquals(Architecture.X86_64, r.arch());
    assertEquals("7.2", r.version());
    assertEquals(new LocalBuild(tree, Optional.empty()), r.kernel());
    assertEquals("console=ttyS0 crashkernel=192M", r.cmdline());
  }

  @Test
  void aFolderWithoutConfigIsNoBuildTree() {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    assertTrue(tree.resolve(".config").toFile().delete());
    RecipeException e =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("build:" + tree));
    assertTrue(e.getMessage().contains(tree.resolve(".config").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("O= folder"), e.getMessage());
  }

  @Test
  void aFolderThatDoesNotExistIsNamed() {
    RecipeException e =
        assertThrows(
            RecipeException.class, () -> UserKernels.recipe("build:" + tmp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("no such folder"), e.getMessage());
  }

  @Test
  void aTreeWithoutItsBootImageNamesTheFileAndTheTarget() {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    assertTrue(tree.resolve("arch/x86/boot/bzImage").toFile().delete());
    RecipeException e =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("build:" + tree));
    assertTrue(e.getMessage().contains("arch/x86/boot/bzImage"), e.getMessage());
    assertTrue(e.getMessage().contains("bzImage modules"), e.getMessage());
  }

  @Test
  void aBootImageOfAnotherArchitectureThanTheConfigIsRefused() throws IOException {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    Files.writeString(tree.resolve(".config"), "CONFIG_ARM64=y\nCONFIG_64BIT=y\n");
    Files.createDirectories(tree.resolve("arch/arm64/boot"));
    Files.write(tree.resolve("arch/arm64/boot/Image"), BuildTreeFixture.bzImage("7.2"));
    RecipeException e =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("build:" + tree));
    assertTrue(
        e.getMessage().contains("is an x86_64 boot image but the tree's .config is for aarch64"),
        e.getMessage());
  }

  @Test
  void aThirtyTwoBitConfigIsRefused() throws IOException {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    Files.writeString(tree.resolve(".config"), "CONFIG_X86_32=y\n");
    RecipeException e =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("build:" + tree));
    assertTrue(e.getMessage().contains("a 32-bit x86 kernel"), e.getMessage());
  }

  @Test
  void aTreeNeverBuiltHasNoRelease() throws IOException {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    Files.delete(tree.resolve("include/config/kernel.release"));
    RecipeException e =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("build:" + tree));
    assertTrue(e.getMessage().contains("include/config/kernel.release"), e.getMessage());
  }

  @Test
  void modulesAreInstalledOutsideTheTreeAndTheirBytesAreInTheKey() throws Exception {
    Path tree =
        BuildTreeFixture.x86Tree(
            tmp.resolve("linux"),
            "CONFIG_MODULES=y\nCONFIG_PVPANIC=y\nCONFIG_PVPANIC_PCI=m\n",
            "drivers/misc/pvpanic/pvpanic-pci.ko");
    List<String> before = listing(tree);
    String first;
    Path installed;
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      first = hash(in);
      Map<String, Object> d = in.description();
      assertEquals(BuildTreeFixture.RELEASE, d.get("release"));
      Map<?, ?> modules = (Map<?, ?>) d.get("modules");
      assertEquals("make modules_install", modules.get("origin"));
      assertEquals(2, modules.get("files")); // the module and modules.order
      Path root = tmp.resolve("image-root");
      in.copyInto(root, ImageAssembly::kernelPath);
      installed =
          root.resolve(
              "lib/modules/"
                  + BuildTreeFixture.RELEASE
                  + "/kernel/drivers/misc/pvpanic/pvpanic-pci.ko");
      assertTrue(Files.isRegularFile(installed));
      assertTrue(
          Files.isRegularFile(
              root.resolve("lib/modules/" + BuildTreeFixture.RELEASE + "/vmlinuz")));
    }
    assertEquals(before, listing(tree), "nothing is written into the tree");
    try (Stream<Path> left = Files.list(cache().resolve("user-kernels"))) {
      assertEquals(0, left.count(), "the installed modules are removed when closed");
    }
    // another module byte, another image
    Files.writeString(
        tree.resolve("Makefile"),
        Files.readString(tree.resolve("Makefile")).replace("module-drivers", "module2-drivers"));
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      assertNotEquals(first, hash(in));
    }
  }

  @Test
  void theConfigAndTheBootImageBytesAreInTheKey() throws Exception {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    String a;
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      a = hash(in);
    }
    Files.writeString(
        tree.resolve(".config"),
        "CONFIG_PANIC_TIMEOUT=5\n",
        java.nio.file.StandardOpenOption.APPEND);
    String b;
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      b = hash(in);
    }
    assertNotEquals(a, b);
    byte[] image = Files.readAllBytes(tree.resolve("arch/x86/boot/bzImage"));
    image[0x700] = 1;
    Files.write(tree.resolve("arch/x86/boot/bzImage"), image);
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      assertNotEquals(b, hash(in));
    }
  }

  @Test
  void aFailingModulesInstallIsRefusedWithMakesOwnWords() {
    Path tree =
        BuildTreeFixture.x86Tree(tmp.resolve("linux"), "CONFIG_MODULES=y\n", (String[]) null);
    RecipeException e = assertThrows(RecipeException.class, () -> inputs("build:" + tree, cache()));
    assertTrue(e.getMessage().contains("'make modules_install' failed in " + tree), e.getMessage());
    assertTrue(e.getMessage().contains("no modules.order"), e.getMessage());
    assertTrue(e.getMessage().contains("modules=DIR"), e.getMessage());
  }

  @Test
  void aModuleTheConfigPromisesButTheTreeDidNotBuildIsNamed() {
    Path tree =
        BuildTreeFixture.x86Tree(
            tmp.resolve("linux"),
            "CONFIG_MODULES=y\nCONFIG_PVPANIC=y\nCONFIG_PVPANIC_PCI=m\n",
            "drivers/misc/other.ko");
    RecipeException e = assertThrows(RecipeException.class, () -> inputs("build:" + tree, cache()));
    assertTrue(e.getMessage().contains("CONFIG_PVPANIC_PCI=m"), e.getMessage());
    assertTrue(e.getMessage().contains("drivers/misc/pvpanic/pvpanic-pci.ko"), e.getMessage());
  }

  @Test
  void aBuiltInDriverNeedsNoModule() throws Exception {
    Path tree =
        BuildTreeFixture.x86Tree(
            tmp.resolve("linux"),
            "CONFIG_PVPANIC=y\nCONFIG_PVPANIC_PCI=y\nCONFIG_PVPANIC_MMIO=y\n");
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      assertEquals(
          "none: CONFIG_MODULES is not set",
          ((Map<?, ?>) in.description().get("modules")).get("origin"));
    }
  }

  @Test
  void aModulesFolderStandsForModulesInstall() throws Exception {
    Path tree =
        BuildTreeFixture.x86Tree(
            tmp.resolve("linux"), "CONFIG_MODULES=y\nCONFIG_PVPANIC_PCI=m\n", (String[]) null);
    Path mods =
        tmp.resolve(
            "mods/lib/modules/" + BuildTreeFixture.RELEASE + "/kernel/drivers/misc/pvpanic");
    Files.createDirectories(mods);
    Files.writeString(mods.resolve("pvpanic-pci.ko"), "x");
    String value = "build:" + tree + ",modules=" + tmp.resolve("mods");
    try (UserKernelInputs in = inputs(value, cache())) {
      assertEquals("folder", ((Map<?, ?>) in.description().get("modules")).get("origin"));
    }
  }

  @Test
  void aGitCheckoutIsRecordedWithReadOnlyCommands() throws Exception {
    Path tree = BuildTreeFixture.x86Tree(tmp.resolve("linux"), "");
    git(tree, "init", "-q");
    git(tree, "add", ".config");
    git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one");
    git(tree, "tag", "v7.2");
    String commit = KernelBuildTree.git(tree, "rev-parse", "HEAD").orElseThrow();
    try (UserKernelInputs in = inputs("build:" + tree, cache())) {
      Map<?, ?> g = (Map<?, ?>) in.description().get("git");
      assertEquals(commit, g.get("commit"));
      assertEquals("v7.2", g.get("describe"));
      assertEquals(false, g.get("dirty"));
    }
  }

  @Test
  void anOutOfTreeFolderNamesItsSourceInItsMakefile() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("linux"));
    Path out = BuildTreeFixture.x86Tree(tmp.resolve("build"), "");
    Files.writeString(
        out.resolve("Makefile"),
        "# Automatically generated by "
            + src
            + "/Makefile: don't edit\nexport KBUILD_OUTPUT = "
            + out
            + "\ninclude "
            + src
            + "/Makefile\n");
    KernelBuildTree tree = KernelBuildTree.open("build:" + out, out);
    assertEquals(src, tree.source());
    git(src, "init", "-q");
    Files.writeString(src.resolve("Makefile"), "VERSION = 7\n");
    git(src, "add", "Makefile");
    git(src, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one");
    assertEquals(
        KernelBuildTree.git(src, "rev-parse", "HEAD").orElseThrow(), tree.git().get("commit"));
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    argv.addAll(List.of(args));
    assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor());
  }

  @Test
  void filesNameTheImageConfigAndModulesOneByOne() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    Files.write(dir.resolve("bzImage"), BuildTreeFixture.bzImage("6.19.0-rc1"));
    Files.writeString(dir.resolve("config"), "CONFIG_X86_64=y\nCONFIG_PVPANIC=y\n");
    String value = UserKernels.absolute("files:kernel=bzImage,config=config", p -> dir.resolve(p));
    assertEquals(
        "files:kernel=" + dir.resolve("bzImage") + ",config=" + dir.resolve("config"), value);
    ImageRecipe r = UserKernels.recipe(value);
    assertEquals(Architecture.X86_64, r.arch());
    assertEquals("6.19", r.version(), "the release from the bzImage header");
  }

  @Test
  void filesWithoutConfigOrWithAnUnknownPartAreRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    Files.write(dir.resolve("bzImage"), BuildTreeFixture.bzImage("6.19.0"));
    RecipeException noConfig =
        assertThrows(
            RecipeException.class,
            () -> UserKernels.recipe("files:kernel=" + dir.resolve("bzImage")));
    assertTrue(noConfig.getMessage().contains("no config named"), noConfig.getMessage());
    RecipeException unknown =
        assertThrows(
            RecipeException.class, () -> UserKernels.absolute("files:kernel=a,initrd=b", Path::of));
    assertTrue(unknown.getMessage().contains("'initrd=b'"), unknown.getMessage());
    RecipeException missing =
        assertThrows(
            RecipeException.class,
            () ->
                UserKernels.recipe(
                    "files:kernel=" + dir.resolve("nope") + ",config=" + dir.resolve("c")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void filesOfAnotherArchitectureThanTheirConfigAreRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    Files.write(dir.resolve("Image"), BuildTreeFixture.arm64Image());
    Files.writeString(dir.resolve("config"), "CONFIG_X86_64=y\n");
    RecipeException e =
        assertThrows(
            RecipeException.class,
            () ->
                UserKernels.recipe(
                    "files:kernel=" + dir.resolve("Image") + ",config=" + dir.resolve("config")));
    assertTrue(e.getMessage().contains("is an aarch64 kernel but"), e.getMessage());
  }

  @Test
  void aBuildValueIsMadeAbsoluteFromWhereItWasTyped() {
    assertEquals(
        "build:/home/me/linux,modules=/home/me/mods",
        UserKernels.absolute("build:.,modules=../mods", p -> Path.of("/home/me/linux").resolve(p)));
  }

  @Test
  void theBzImageHeaderNamesItsRelease() throws IOException {
    Path image = tmp.resolve("bzImage");
    Files.write(image, BuildTreeFixture.bzImage("7.2.13-pvh"));
    assertEquals(Optional.of("7.2.13-pvh"), KernelImageFormat.release(image));
    Files.write(image, BuildTreeFixture.arm64Image());
    assertEquals(Optional.empty(), KernelImageFormat.release(image));
  }
}
