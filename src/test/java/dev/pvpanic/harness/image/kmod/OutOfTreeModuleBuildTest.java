package dev.pvpanic.harness.image.kmod;

import static dev.pvpanic.harness.image.kmod.FakeHeaderTree.PACKAGES;
import static dev.pvpanic.harness.image.kmod.FakeHeaderTree.RELEASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.elf.ElfMachine;
import dev.pvpanic.harness.elf.TinyElf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's steps around make, with a fake {@code make} (and compiler) that copies prepared
 * modules into {@code M=} and records its arguments. The real compile is {@link
 * OutOfTreeModuleBuildIT}'s job.
 */
class OutOfTreeModuleBuildTest {
  private static final String VERMAGIC = RELEASE + " SMP mod_unload modversions aarch64";
  private static final String GCC_TEXT = "aarch64-linux-gnu-gcc-12 (Debian 12.2.0-14) 12.2.0";

  @TempDir Path dir;
  private Path headers;
  private Path source;
  private Path bin;
  private Path fixtures;
  private CrossCompiler compiler;

  @BeforeEach
  void fakeToolsAndPackages() throws IOException {
    headers = FakeHeaderTree.create(Files.createDirectories(dir.resolve("headers")));
    source =
        FakeKernelSource.tarball(dir.resolve("linux-source-6.12.tar.xz"), FakeKernelSource.files());
    bin = Files.createDirectories(dir.resolve("bin"));
    fixtures = Files.createDirectories(dir.resolve("fixtures"));
    compiler =
        new CrossCompiler(KernelArch.ARM64, bin.resolve("aarch64-linux-gnu-gcc-12"), GCC_TEXT);
    script(
        "make",
        "echo \"$@\" > " + dir.resolve("make.args"),
        "for a in \"$@\"; do case $a in M=*) m=${a#M=};; esac; done",
        "echo '  LD [M]  pvpanic.ko'",
        "cp " + fixtures + "/*.ko \"$m\"/");
  }

  @Test
  void buildsChecksAndDescribesTheModules() throws IOException {
    modules(VERMAGIC, ElfMachine.AARCH64);

    BuiltModules built =
        new OutOfTreeModuleBuild(headers, source, PACKAGES, compiler)
            .expectingVermagic(VERMAGIC)
            .run(dir.resolve("work"));

    Path m = dir.resolve("work/pvpanic");
    assertEquals(List.of(m.resolve("pvpanic.ko"), m.resolve("pvpanic-pci.ko")), built.modules());
    assertEquals(
        "obj-m += pvpanic.o pvpanic-pci.o", Files.readAllLines(m.resolve("Kbuild")).get(1));
    assertEquals("/* core */\n", Files.readString(m.resolve("pvpanic.c")));
    assertEquals(
        "-C "
            + headers.resolve("usr/src/linux-headers-" + RELEASE)
            + " M="
            + m
            + " ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC=aarch64-linux-gnu-gcc-12"
            // the headers and the module folder are both in dir: the random part is mapped away
            + " KCFLAGS=-ffile-prefix-map="
            + dir.toAbsolutePath().normalize()
            + "=/pvh-build"
            + " CONFIG_DEBUG_INFO_BTF_MODULES= modules",
        Files.readString(dir.resolve("make.args")).strip());
    assertTrue(Files.readString(built.log()).contains("LD [M]  pvpanic.ko"));

    ModuleProvenance p = built.provenance();
    assertEquals(new PackageRef("linux-source-6.12", "6.12.95-1~bpo12+1"), p.source());
    assertEquals(PACKAGES.buildTree(), p.buildTree());
    assertEquals(GCC_TEXT, p.compiler());
    assertEquals(VERMAGIC, p.vermagic());
    assertEquals(
        List.of(
            "make",
            "-C",
            "<headers>/usr/src/linux-headers-" + RELEASE,
            "M=<module-dir>",
            "ARCH=arm64",
            "CROSS_COMPILE=aarch64-linux-gnu-",
            "CC=aarch64-linux-gnu-gcc-12",
            "KCFLAGS=-ffile-prefix-map=<work>=/pvh-build",
            "CONFIG_DEBUG_INFO_BTF_MODULES=",
            "modules"),
        p.makeCommand());
    assertEquals(64, p.sha256().get("pvpanic-pci.ko").length());
  }

  @Test
  void theWorkFolderIsTheDeepestFolderHoldingTheHeadersAndTheModule() {
    assertEquals(
        java.nio.file.Path.of("/tmp/pvh-image-1"),
        OutOfTreeModuleBuild.commonFolder(
            List.of(
                java.nio.file.Path.of("/tmp/pvh-image-1/headers"),
                java.nio.file.Path.of("/tmp/pvh-image-1/oops/kmod/pvh_oops"))));
    assertEquals(
        java.nio.file.Path.of("/tmp/pvh-image-1/kmod"),
        OutOfTreeModuleBuild.commonFolder(
            List.of(
                java.nio.file.Path.of("/tmp/pvh-image-1/kmod/a"),
                java.nio.file.Path.of("/tmp/pvh-image-1/kmod/b/c"))));
  }

  @Test
  void aModuleForTheWrongMachineIsRefused() throws IOException {
    modules(VERMAGIC, ElfMachine.X86_64);

    ModuleBuildException e = assertThrows(ModuleBuildException.class, this::build);

    assertTrue(e.getMessage().contains("ELF machine 62, expected 183 (arm64)"), e.getMessage());
  }

  @Test
  void aModuleForAnotherKernelIsRefused() throws IOException {
    modules("6.12.43+deb13-arm64 SMP mod_unload modversions aarch64", ElfMachine.AARCH64);

    ModuleBuildException e = assertThrows(ModuleBuildException.class, this::build);

    assertTrue(e.getMessage().contains("not for kernel " + RELEASE), e.getMessage());
  }

  @Test
  void aVermagicOtherThanTheKernelsIsRefused() throws IOException {
    modules(VERMAGIC, ElfMachine.AARCH64);
    OutOfTreeModuleBuild build =
        new OutOfTreeModuleBuild(headers, source, PACKAGES, compiler)
            .expectingVermagic(RELEASE + " SMP preempt mod_unload modversions aarch64");

    ModuleBuildException e =
        assertThrows(ModuleBuildException.class, () -> build.run(dir.resolve("work")));

    assertTrue(e.getMessage().contains("it would refuse to load it"), e.getMessage());
  }

  @Test
  void aCompilerOfAnotherMajorVersionThanTheKernelsIsRefused() {
    compiler =
        new CrossCompiler(
            KernelArch.ARM64,
            bin.resolve("aarch64-linux-gnu-gcc-14"),
            "aarch64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0");

    ModuleBuildException e = assertThrows(ModuleBuildException.class, this::build);

    assertTrue(e.getMessage().contains("was built with gcc 12"), e.getMessage());
    assertTrue(e.getMessage().contains("CrossCompiler.find(\"arm64\", 12)"), e.getMessage());
  }

  @Test
  void aFailingMakeIsReportedWithItsOutput() throws IOException {
    script("make", "echo 'pvpanic.c:1: error: boom' >&2", "exit 2");

    ModuleBuildException e = assertThrows(ModuleBuildException.class, this::build);

    assertTrue(e.getMessage().startsWith("make -C "), e.getMessage());
    assertTrue(e.getMessage().contains("exit code 2"), e.getMessage());
    assertTrue(e.getMessage().endsWith("pvpanic.c:1: error: boom"), e.getMessage());
  }

  @Test
  void aMakeThatWritesNothingIsReported() throws IOException {
    script("make", "exit 0");

    ModuleBuildException e = assertThrows(ModuleBuildException.class, this::build);

    assertTrue(e.getMessage().contains("did not write"), e.getMessage());
    assertTrue(e.getMessage().contains("pvpanic.ko"), e.getMessage());
  }

  private BuiltModules build() {
    return new OutOfTreeModuleBuild(headers, source, PACKAGES, compiler).run(dir.resolve("work"));
  }

  private void modules(String vermagic, int machine) throws IOException {
    Files.write(
        fixtures.resolve("pvpanic.ko"),
        TinyElf.module(machine, List.of("name=pvpanic", "vermagic=" + vermagic)));
    Files.write(
        fixtures.resolve("pvpanic-pci.ko"),
        TinyElf.module(
            machine, List.of("depends=pvpanic", "name=pvpanic_pci", "vermagic=" + vermagic)));
  }

  private void script(String name, String... lines) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
