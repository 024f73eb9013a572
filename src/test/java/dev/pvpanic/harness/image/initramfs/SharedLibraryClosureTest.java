package dev.pvpanic.harness.image.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.elf.ElfImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedLibraryClosureTest {

  private static final String X86 = "/usr/lib/x86_64-linux-gnu";
  private static final String LD_X86 = "/lib64/ld-linux-x86-64.so.2";

  @TempDir Path root;

  /**
   * A trixie-like root: /lib and /lib64 are usrmerge symlinks, libraries live under /usr, one
   * version link is absolute (must resolve inside the root, not on the host) and a wrong-machine
   * library sits earlier on the search path than the right one.
   */
  @Test
  void walksNeededThroughUsrmergeAndSymlinks() throws IOException {
    link("/lib", "usr/lib");
    link("/lib64", "usr/lib64");
    elf(X86 + "/ld-linux-x86-64.so.2", ElfImage.x86_64(null));
    link("/usr/lib64/ld-linux-x86-64.so.2", "../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    elf(X86 + "/libc.so.6", ElfImage.x86_64(null));
    elf(X86 + "/libz.so.1.2.13", ElfImage.x86_64(null, "libc.so.6"));
    link(X86 + "/libz.so.1", "libz.so.1.2.13");
    elf(X86 + "/libxenctrl.so.4.17.0", ElfImage.x86_64(null, "libz.so.1", "libc.so.6"));
    link(X86 + "/libxenctrl.so.4.17", X86 + "/libxenctrl.so.4.17.0"); // absolute target
    elf(X86 + "/libextra.so.1", ElfImage.aarch64(null)); // wrong machine: skipped
    elf("/usr/lib/libextra.so.1", ElfImage.x86_64(null, "libc.so.6"));
    elf("/usr/sbin/kexec", ElfImage.x86_64(LD_X86, "libxenctrl.so.4.17", "libextra.so.1"));
    link("/sbin", "usr/sbin");

    SharedLibraryClosure closure = SharedLibraryClosure.of(root, "/sbin/kexec");

    assertEquals(Optional.of(LD_X86), closure.interpreter());
    assertEquals(
        Set.of(
            "/usr/sbin/kexec",
            X86 + "/ld-linux-x86-64.so.2",
            X86 + "/libc.so.6",
            X86 + "/libz.so.1.2.13",
            X86 + "/libxenctrl.so.4.17.0",
            "/usr/lib/libextra.so.1"),
        closure.files().keySet());
    closure
        .files()
        .forEach((guest, host) -> assertEquals(root.resolve(guest.substring(1)), host, guest));
    assertEquals(
        Map.of(
            X86 + "/libz.so.1",
            X86 + "/libz.so.1.2.13",
            X86 + "/libxenctrl.so.4.17",
            X86 + "/libxenctrl.so.4.17.0",
            "/usr/lib64/ld-linux-x86-64.so.2",
            X86 + "/ld-linux-x86-64.so.2",
            LD_X86,
            X86 + "/ld-linux-x86-64.so.2"),
        closure.symlinks());

    // everything fits into one image without clashing, the interpreter at its PT_INTERP path
    InitramfsBuilder builder = closure.addTo(new InitramfsBuilder());
    assertTrue(builder.paths().contains(LD_X86));
    assertTrue(builder.paths().contains("/usr/sbin/kexec"));
    builder.write(root.resolve("out.cpio.gz"));
  }

  /** Extracted 7.x-era packages without base-files: no /lib symlink, interpreter only in /usr. */
  @Test
  void findsTheInterpreterUnderUsrWhenTheUsrmergeLinkIsMissing() throws IOException {
    String arm = "/usr/lib/aarch64-linux-gnu";
    elf(arm + "/ld-linux-aarch64.so.1", ElfImage.aarch64(null));
    link("/usr/lib/ld-linux-aarch64.so.1", "aarch64-linux-gnu/ld-linux-aarch64.so.1");
    elf(arm + "/libc.so.6", ElfImage.aarch64(null));
    elf("/usr/sbin/kexec", ElfImage.aarch64("/lib/ld-linux-aarch64.so.1", "libc.so.6"));

    SharedLibraryClosure closure = SharedLibraryClosure.of(root, "/usr/sbin/kexec");

    assertEquals(Optional.of("/lib/ld-linux-aarch64.so.1"), closure.interpreter());
    assertEquals(
        Set.of("/usr/sbin/kexec", arm + "/ld-linux-aarch64.so.1", arm + "/libc.so.6"),
        closure.files().keySet());
    assertEquals(
        arm + "/ld-linux-aarch64.so.1", closure.symlinks().get("/lib/ld-linux-aarch64.so.1"));
    assertEquals(
        arm + "/ld-linux-aarch64.so.1", closure.symlinks().get("/usr/lib/ld-linux-aarch64.so.1"));
  }

  @Test
  void missingLibraryNamesLibraryNeederAndFolders() throws IOException {
    elf("/lib64/ld-linux-x86-64.so.2", ElfImage.x86_64(null));
    elf("/lib/x86_64-linux-gnu/libxenguest.so.4.17", ElfImage.x86_64(null, "libxenctrl.so.4.17"));
    elf("/usr/sbin/kexec", ElfImage.x86_64(LD_X86, "libxenguest.so.4.17"));

    MissingLibraryException e =
        assertThrows(
            MissingLibraryException.class, () -> SharedLibraryClosure.of(root, "/usr/sbin/kexec"));

    assertEquals("libxenctrl.so.4.17", e.library());
    assertEquals("/lib/x86_64-linux-gnu/libxenguest.so.4.17", e.neededBy());
    assertEquals(
        List.of(
            root.resolve("lib/x86_64-linux-gnu").toString(),
            root.resolve("usr/lib/x86_64-linux-gnu").toString(),
            root.resolve("lib").toString(),
            root.resolve("usr/lib").toString()),
        e.searched());
    assertTrue(e.getMessage().contains("libxenctrl.so.4.17"), e.getMessage());
    assertTrue(e.getMessage().contains("libxenguest.so.4.17"), e.getMessage());
    assertTrue(e.getMessage().contains(root.resolve("usr/lib").toString()), e.getMessage());
  }

  /** An absolute link target means the guest's /, never the host's, even if the host has it. */
  @Test
  void absoluteLinksNeverLeaveTheRoot() throws IOException {
    Path hostFile =
        Files.write(Files.createTempFile("host-lib", ".so"), ElfImage.x86_64(null).bytes());
    try {
      elf("/lib64/ld-linux-x86-64.so.2", ElfImage.x86_64(null));
      link("/lib/x86_64-linux-gnu/libhost.so.1", hostFile.toString());
      elf("/usr/bin/prog", ElfImage.x86_64(LD_X86, "libhost.so.1"));

      MissingLibraryException e =
          assertThrows(
              MissingLibraryException.class, () -> SharedLibraryClosure.of(root, "/usr/bin/prog"));
      assertEquals("libhost.so.1", e.library());
    } finally {
      Files.delete(hostFile);
    }
  }

  @Test
  void missingInterpreterAndSymlinkLoopsAreReported() throws IOException {
    elf("/usr/bin/prog", ElfImage.x86_64(LD_X86));
    MissingLibraryException noLoader =
        assertThrows(
            MissingLibraryException.class, () -> SharedLibraryClosure.of(root, "/usr/bin/prog"));
    assertEquals(LD_X86, noLoader.library());

    link("/usr/bin/a", "b");
    link("/usr/bin/b", "/usr/bin/a");
    InitramfsException loop =
        assertThrows(InitramfsException.class, () -> SharedLibraryClosure.of(root, "/usr/bin/a"));
    assertTrue(loop.getMessage().contains("too many symlinks"), loop.getMessage());
  }

  @Test
  void staticProgramIsJustItself() throws IOException {
    elf("/bin/busybox", ElfImage.x86_64(null));

    SharedLibraryClosure closure = SharedLibraryClosure.of(root, "/bin/busybox");

    assertEquals(Optional.empty(), closure.interpreter());
    assertEquals(Set.of("/bin/busybox"), closure.files().keySet());
    assertEquals(Map.of(), closure.symlinks());
  }

  private void elf(String guestPath, ElfImage image) throws IOException {
    Path file = root.resolve(guestPath.substring(1));
    Files.createDirectories(file.getParent());
    Files.write(file, image.bytes());
  }

  private void link(String guestPath, String target) throws IOException {
    Path link = root.resolve(guestPath.substring(1));
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, Path.of(target));
  }
}
