package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.Prerequisite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wraps real host programs with a copy of the host's own C library standing in for another suite's:
 * the wrapper must run the program through the copied loader, keep the name it was called by, and
 * refuse a program whose libraries the copy lacks.
 */
class ExtractedToolchainTest {
  private static final Path HOST_LIBS = Path.of("/lib/x86_64-linux-gnu");

  @TempDir Path root;

  private void fakeSuiteLibc() throws IOException {
    Prerequisite.X86_64_HOST.require(
        Files.isRegularFile(HOST_LIBS.resolve("ld-linux-x86-64.so.2"))
            && Files.isRegularFile(Path.of("/bin/echo")),
        "no " + HOST_LIBS.resolve("ld-linux-x86-64.so.2") + " or /bin/echo");
    Path libs = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
    for (String lib : List.of("ld-linux-x86-64.so.2", "libc.so.6")) {
      Files.copy(HOST_LIBS.resolve(lib).toRealPath(), libs.resolve(lib));
    }
  }

  @Test
  void aWrappedProgramRunsThroughTheClosuresLoaderUnderItsOwnName() throws Exception {
    fakeSuiteLibc();
    Path bin = Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(Path.of("/bin/echo"), bin.resolve("aarch64-linux-gnu-echo"));
    Files.createSymbolicLink(bin.resolve("echo-link"), Path.of("aarch64-linux-gnu-echo"));

    ExtractedToolchain tc = ExtractedToolchain.open(root, KernelArch.ARM64, 16, KernelArch.X86_64);

    Path wrapper = bin.resolve("aarch64-linux-gnu-echo");
    String script = Files.readString(wrapper);
    assertTrue(script.startsWith("#!/bin/sh\n"), script);
    assertTrue(script.contains("'" + tc.loader() + "' --library-path "), script);
    assertTrue(script.contains("--argv0 \"$0\""), script);
    assertTrue(Files.isRegularFile(bin.resolve(".pvh-elf/aarch64-linux-gnu-echo")));
    assertTrue(Files.isSymbolicLink(bin.resolve("echo-link")), "links are left as they are");
    assertEquals(
        "hello from the closure", run(wrapper.toString(), "hello", "from", "the", "closure"));
    assertEquals("via link", run(bin.resolve("echo-link").toString(), "via", "link"));
    // wrapping again finds no ELF left to wrap
    assertEquals(List.of(), tc.wrapExecutables(bin));
  }

  @Test
  void aNativeToolchainsPrefixedAssemblerIsLinkedWhereGccLooksForAs() throws Exception {
    fakeSuiteLibc();
    Path bin = Files.createDirectories(root.resolve("usr/bin"));
    // Debian's native binutils-x86-64-linux-gnu ships only usr/bin/x86_64-linux-gnu-as
    Files.copy(Path.of("/bin/echo"), bin.resolve("x86_64-linux-gnu-as"));

    ExtractedToolchain.open(root, KernelArch.X86_64, 14, KernelArch.X86_64);

    Path as = root.resolve("usr/x86_64-linux-gnu/bin/as");
    assertTrue(Files.isSymbolicLink(as), "gcc's tool folder gets an as");
    assertEquals(bin.resolve("x86_64-linux-gnu-as"), as.toRealPath());
    assertEquals("assembled", run(as.toString(), "assembled"));
    assertFalse(
        Files.exists(root.resolve("usr/x86_64-linux-gnu/bin/ld")),
        "no ld without a prefixed ld to link to");
  }

  @Test
  void aCrossBinutilsToolFolderIsLeftAsItIs() throws Exception {
    fakeSuiteLibc();
    Path bin = Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(Path.of("/bin/echo"), bin.resolve("aarch64-linux-gnu-as"));
    Path tools = Files.createDirectories(root.resolve("usr/aarch64-linux-gnu/bin"));
    Files.copy(Path.of("/bin/echo"), tools.resolve("as"));

    ExtractedToolchain.open(root, KernelArch.ARM64, 14, KernelArch.X86_64);

    assertFalse(Files.isSymbolicLink(tools.resolve("as")), "the package's own as stays");
  }

  @Test
  void aProgramNeedingALibraryTheClosureLacksIsRefusedByName() throws Exception {
    fakeSuiteLibc();
    Prerequisite.XZ.require(Files.isRegularFile(Path.of("/usr/bin/xz")), "not there");
    Path bin = Files.createDirectories(root.resolve("usr/bin"));
    Files.copy(Path.of("/usr/bin/xz"), bin.resolve("xz"));

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> ExtractedToolchain.open(root, KernelArch.ARM64, 16, KernelArch.X86_64));

    // the loader falls back to the host's folders: a mix of two C libraries, refused
    assertTrue(e.getMessage().contains("liblzma.so.5 (from the host's "), e.getMessage());
  }

  @Test
  void noLoaderMeansNoLibc6InTheClosure() throws IOException {
    Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));

    ModuleBuildException e =
        assertThrows(
            ModuleBuildException.class,
            () -> ExtractedToolchain.open(root, KernelArch.ARM64, 16, KernelArch.X86_64));

    assertTrue(e.getMessage().contains("lacks libc6"), e.getMessage());
  }

  @Test
  void librariesFromOutsideTheFolderAreProblems() {
    Path r = Path.of("/tc");
    String listing =
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
            + "\tlibc.so.6 => /tc/usr/lib/x86_64-linux-gnu/libc.so.6 (0x1)\n"
            + "\tlibmpfr.so.6 => /lib/x86_64-linux-gnu/libmpfr.so.6 (0x2)\n"
            + "\tlibisl.so.23 => not found\n";

    assertEquals(
        List.of(
            "libmpfr.so.6 (from the host's /lib/x86_64-linux-gnu/libmpfr.so.6)",
            "libisl.so.23 (not found)"),
        dev.pvpanic.harness.image.debian.LoaderListing.parseProblems(listing, r));
    assertFalse(
        dev.pvpanic.harness.image.debian.LoaderListing.parseProblems(
                "\tlibc.so.6 => /tc/lib/libc.so.6 (0x1)\n", r)
            .iterator()
            .hasNext());
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
