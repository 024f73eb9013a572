package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.debian.TestDeb;
import dev.pvpanic.harness.image.debian.TestDeb.Entry;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.Architecture;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kernel package file stands where a recipe name goes; anything else is refused naming it. */
class UserKernelsTest {
  @TempDir Path tmp;

  static Path kernelDeb(Path file, String pkg, String arch, String... paths) {
    TestDeb deb =
        new TestDeb()
            .control(
                "Package: "
                    + pkg
                    + "\nVersion: 6.12.107-1\nArchitecture: "
                    + arch
                    + "\n"
                    + "Depends: linux-image-6.12.107+deb13-"
                    + arch
                    + " (= 6.12.107-1)\n",
                "gz");
    for (String p : paths) {
      deb.add(p.endsWith("/") ? Entry.dir(p) : Entry.file(p, 0644, "x"));
    }
    return deb.writeTo(file);
  }

  @Test
  void aKernelPackageGivesARecipeOfItsArchitectureAndSeries() {
    Path deb =
        kernelDeb(
            tmp.resolve("linux-image-6.12.107+deb13-arm64_6.12.107-1_arm64.deb"),
            "linux-image-6.12.107+deb13-arm64",
            "arm64",
            "./boot/",
            "./boot/config-6.12.107+deb13-arm64",
            "./boot/vmlinuz-6.12.107+deb13-arm64");
    ImageRecipe r = UserKernels.recipe("deb:" + deb);
    assertEquals("deb:" + deb, r.name());
    assertEquals(Architecture.AARCH64, r.arch());
    assertEquals("6.12", r.version());
    assertEquals(new LocalDeb(deb), r.kernel());
    assertEquals("console=ttyAMA0 crashkernel=192M", r.cmdline());
    assertEquals("bookworm", r.userlandSuite());
    assertEquals(Optional.empty(), r.file());
  }

  @Test
  void aSevenXBinaryPackageHasItsKernelUnderUsrLibModules() {
    Path deb =
        kernelDeb(
            tmp.resolve("b.deb"),
            "linux-binary-7.3.4+deb13-amd64",
            "amd64",
            "./usr/lib/modules/7.3.4+deb13-amd64/vmlinuz");
    ImageRecipe r = UserKernels.recipe("deb:" + deb);
    assertEquals(Architecture.X86_64, r.arch());
    assertEquals("7.3", r.version());
  }

  @Test
  void aMetaPackageIsRefusedNamingWhatItDependsOn() {
    Path deb =
        kernelDeb(
            tmp.resolve("linux-image-amd64.deb"),
            "linux-image-amd64",
            "amd64",
            "./usr/share/doc/linux-image-amd64/");
    String m =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("deb:" + deb)).getMessage();
    assertTrue(m.contains("holds no kernel image"), m);
    assertTrue(m.contains("a meta package (it depends on linux-image-6.12.107+deb13-amd64"), m);
  }

  @Test
  void aPackageThatIsNoKernelIsRefused() {
    Path deb = kernelDeb(tmp.resolve("busybox.deb"), "busybox-static", "amd64", "./bin/busybox");
    String m =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("deb:" + deb)).getMessage();
    assertTrue(m.contains("busybox.deb (package busybox-static 6.12.107-1, amd64)"), m);
    assertTrue(m.contains("valid: a kernel image package"), m);
  }

  @Test
  void aFileThatIsNoPackageOrNoFileIsRefused() throws Exception {
    Path text = java.nio.file.Files.writeString(tmp.resolve("bzImage.deb"), "not ar");
    assertTrue(
        assertThrows(RecipeException.class, () -> UserKernels.recipe("deb:" + text))
            .getMessage()
            .contains("is not a Debian package"));
    assertTrue(
        assertThrows(RecipeException.class, () -> UserKernels.recipe("deb:" + tmp.resolve("no")))
            .getMessage()
            .contains(": no such file " + tmp.resolve("no")));
  }

  @Test
  void aKernelOfAnArchitectureTheHarnessCannotBootIsRefused() {
    Path deb =
        kernelDeb(
            tmp.resolve("s390x.deb"),
            "linux-image-6.12-s390x",
            "s390x",
            "./boot/vmlinuz-6.12-s390x");
    String m =
        assertThrows(RecipeException.class, () -> UserKernels.recipe("deb:" + deb)).getMessage();
    assertTrue(m.contains("is a kernel for s390x, which the harness cannot boot"), m);
  }

  @Test
  void valuesAreMadeAbsoluteAndOnlyKnownKindsCount() {
    assertEquals(
        "deb:/home/me/k.deb", UserKernels.absolute("deb:k.deb", p -> Path.of("/home/me", p)));
    assertEquals(Optional.of("deb"), UserKernels.kind("deb:/x.deb"));
    assertEquals(Optional.empty(), UserKernels.kind("x86_64-6.12"));
    assertEquals(Optional.empty(), UserKernels.kind("debian:5.2"));
    assertThrows(RecipeException.class, () -> UserKernels.absolute("deb:", Path::of));
  }

  @Test
  void recipesResolveAUsersKernelByItsValue() {
    Path deb =
        kernelDeb(
            tmp.resolve("k.deb"),
            "linux-image-6.1.0-37-amd64",
            "amd64",
            "./boot/vmlinuz-6.1.0-37-amd64");
    ImageRecipes recipes = ImageRecipes.load(TestSettings.checkout().recipes());
    assertEquals(Architecture.X86_64, recipes.get("deb:" + deb).arch());
    assertEquals("6.1", recipes.get("deb:" + deb).version());
  }

  @Test
  void theReleaseComesFromTheKernelImagesPath() {
    assertEquals(
        Optional.of("6.1.0-37-amd64"),
        UserKernels.release(List.of("boot/config-6.1.0-37-amd64", "boot/vmlinuz-6.1.0-37-amd64")));
    assertEquals(
        Optional.of("7.2.13+deb14-arm64"),
        UserKernels.release(List.of("usr/lib/modules/7.2.13+deb14-arm64/vmlinuz")));
    assertEquals(Optional.empty(), UserKernels.release(List.of("usr/share/doc/x")));
  }
}
