package dev.pvpanic.harness.image.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsBuilderTest {

  @TempDir Path dir;

  /** One archive entry as read back by commons-compress, content included. */
  private record Read(CpioArchiveEntry entry, byte[] content) {}

  @Test
  void roundTripsEveryEntryKindThroughAnIndependentReader() throws IOException {
    byte[] busybox = "pretend busybox".getBytes(StandardCharsets.UTF_8);
    Path host = Files.write(dir.resolve("busybox"), busybox);
    byte[] init = "#!/bin/busybox sh\necho hi\n".getBytes(StandardCharsets.UTF_8);

    Path image = dir.resolve("initramfs.cpio.gz");
    new InitramfsBuilder()
        .file("/init", init, 0755)
        .file("/bin/busybox", host, 0755)
        .symlink("/bin/sh", "busybox")
        .directory("/tmp", 01777)
        .consoleDevices()
        .write(image);

    Map<String, Read> entries = readArchive(Files.readAllBytes(image));
    assertTrue(
        Files.getPosixFilePermissions(image).contains(PosixFilePermission.OTHERS_READ),
        "QEMU may run as another user: the image must be readable by all");

    assertEquals(
        List.of("bin", "bin/busybox", "bin/sh", "dev", "dev/console", "dev/null", "init", "tmp"),
        new ArrayList<>(entries.keySet()),
        "sorted, parents before children, trailer not listed");

    Read initEntry = entries.get("init");
    assertEquals(CpioConstants.C_ISREG | 0755, initEntry.entry().getMode());
    assertArrayEquals(init, initEntry.content());
    assertArrayEquals(busybox, entries.get("bin/busybox").content());

    Read sh = entries.get("bin/sh");
    assertTrue(sh.entry().isSymbolicLink());
    assertEquals("busybox", new String(sh.content(), StandardCharsets.UTF_8));

    assertTrue(entries.get("bin").entry().isDirectory());
    assertEquals(CpioConstants.C_ISDIR | 0755, entries.get("bin").entry().getMode());
    assertEquals(CpioConstants.C_ISDIR | 01777, entries.get("tmp").entry().getMode());

    CpioArchiveEntry console = entries.get("dev/console").entry();
    assertEquals(CpioConstants.C_ISCHR | 0600, console.getMode());
    assertEquals(5, console.getRemoteDeviceMaj());
    assertEquals(1, console.getRemoteDeviceMin());
    CpioArchiveEntry devNull = entries.get("dev/null").entry();
    assertEquals(CpioConstants.C_ISCHR | 0666, devNull.getMode());
    assertEquals(1, devNull.getRemoteDeviceMaj());
    assertEquals(3, devNull.getRemoteDeviceMin());

    List<Long> inodes = new ArrayList<>();
    for (Read r : entries.values()) {
      CpioArchiveEntry e = r.entry();
      assertEquals(CpioConstants.FORMAT_NEW, e.getFormat(), e.getName());
      assertEquals(0, e.getUID(), e.getName());
      assertEquals(0, e.getGID(), e.getName());
      assertEquals(0, e.getTime(), e.getName());
      assertFalse(inodes.contains(e.getInode()), "inode reused by " + e.getName());
      inodes.add(e.getInode());
    }
  }

  @Test
  void endsWithTheTrailerAndKeepsFourByteAlignment() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (CpioNewcWriter cpio = new CpioNewcWriter(raw)) {
      cpio.file("a", 0644, new byte[] {1, 2, 3}); // odd sizes force padding
      cpio.symlink("ab", "a");
      cpio.directory("abcde", 0755);
    }
    byte[] bytes = raw.toByteArray();
    assertEquals(0, bytes.length % 4, "archive length is a multiple of 4");

    // walk the headers by hand: every header starts on a 4-byte boundary with the newc magic
    List<String> names = new ArrayList<>();
    int at = 0;
    while (true) {
      assertEquals(0, at % 4, "header offset " + at);
      assertEquals("070701", new String(bytes, at, 6, StandardCharsets.US_ASCII));
      int size = Integer.parseInt(new String(bytes, at + 54, 8, StandardCharsets.US_ASCII), 16);
      int nameSize = Integer.parseInt(new String(bytes, at + 94, 8, StandardCharsets.US_ASCII), 16);
      String name = new String(bytes, at + 110, nameSize - 1, StandardCharsets.UTF_8);
      assertEquals(0, bytes[at + 110 + nameSize - 1], "name is NUL-terminated");
      names.add(name);
      at = align4(align4(at + 110 + nameSize) + size);
      if (name.equals(CpioNewcWriter.TRAILER)) {
        break;
      }
    }
    assertEquals(List.of("a", "ab", "abcde", "TRAILER!!!"), names);
    assertEquals(bytes.length, at, "nothing after the trailer");
  }

  @Test
  void sameInputsGiveByteIdenticalImages() throws IOException {
    Path source = Files.writeString(dir.resolve("lib"), "library bytes");
    Path first = dir.resolve("first.cpio.gz");
    Path second = dir.resolve("second.cpio.gz");

    // the same content added in a different order must not matter
    new InitramfsBuilder()
        .file("/usr/lib/libz.so.1.2.13", source, 0755)
        .symlink("/usr/lib/libz.so.1", "libz.so.1.2.13")
        .consoleDevices()
        .file("/init", new byte[] {'x'}, 0755)
        .write(first);
    new InitramfsBuilder()
        .file("/init", new byte[] {'x'}, 0755)
        .consoleDevices()
        .symlink("usr/lib/libz.so.1", "libz.so.1.2.13")
        .file("usr/lib/libz.so.1.2.13", source, 0755)
        .write(second);

    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    assertEquals(
        8, readArchive(Files.readAllBytes(first)).size(), "usr, usr/lib, two libz, dev + 2, init");
  }

  @Test
  void conflictingEntriesAreRejectedAndRepeatsTolerated() {
    InitramfsBuilder builder = new InitramfsBuilder().symlink("/lib64", "usr/lib64");
    builder.symlink("/lib64", "usr/lib64"); // the same again: fine

    InitramfsException clash =
        assertThrows(InitramfsException.class, () -> builder.symlink("/lib64", "lib"));
    assertTrue(clash.getMessage().contains("/lib64"), clash.getMessage());

    InitramfsException underLink =
        assertThrows(
            InitramfsException.class,
            () -> builder.file("/lib64/ld-linux-x86-64.so.2", new byte[1], 0755));
    assertTrue(underLink.getMessage().contains("a symlink to usr/lib64"), underLink.getMessage());

    // an explicit directory replaces the parent added implicitly, once
    builder.file("/tmp/x", new byte[0], 0644).directory("/tmp", 01777);
    assertThrows(InitramfsException.class, () -> builder.directory("/tmp", 0700));
    assertTrue(builder.contains("tmp/x"));
  }

  @Test
  void rejectsBadPathsAndModes() {
    InitramfsBuilder builder = new InitramfsBuilder();
    assertThrows(IllegalArgumentException.class, () -> builder.directory("/"));
    assertThrows(IllegalArgumentException.class, () -> builder.directory("/a/../b"));
    assertThrows(IllegalArgumentException.class, () -> builder.file("/x", new byte[0], 0100755));
    assertThrows(InitramfsException.class, () -> builder.file("/x", dir.resolve("missing"), 0644));
  }

  private static int align4(int value) {
    return (value + 3) & ~3;
  }

  private static Map<String, Read> readArchive(byte[] gzipped) throws IOException {
    Map<String, Read> entries = new LinkedHashMap<>();
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(gzipped));
        CpioArchiveInputStream cpio = new CpioArchiveInputStream(gz)) {
      CpioArchiveEntry e;
      while ((e = cpio.getNextEntry()) != null) {
        entries.put(e.getName(), new Read(e, cpio.readAllBytes()));
      }
    }
    return entries;
  }
}
