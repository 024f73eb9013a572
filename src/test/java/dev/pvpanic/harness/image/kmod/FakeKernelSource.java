package dev.pvpanic.harness.image.kmod;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** A tiny linux-source tarball, and a {@code .deb} holding it the way Debian packages it. */
final class FakeKernelSource {
  static final String TOP = "linux-source-6.12/";

  private FakeKernelSource() {}

  /** Path in the tree (without the top folder) to content; the pvpanic files and a few others. */
  static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Makefile", "VERSION = 6\n");
    files.put("drivers/misc/Makefile", "obj-y += pvpanic/\n");
    files.put("drivers/misc/pvpanic/Makefile", "obj-$(CONFIG_PVPANIC_PCI) += pvpanic.o\n");
    files.put("drivers/misc/pvpanic/pvpanic-mmio.c", "/* mmio */\n");
    files.put("drivers/misc/pvpanic/pvpanic-pci.c", "/* pci */\n");
    files.put("drivers/misc/pvpanic/pvpanic.c", "/* core */\n");
    files.put("drivers/misc/pvpanic/pvpanic.h", "/* header */\n");
    files.put("drivers/misc/pvpanic.c.orig", "/* a decoy one level up */\n");
    files.put("fs/Makefile", "obj-y += ext4/\n");
    return files;
  }

  static Path tarball(Path file, Map<String, String> files) throws IOException {
    Files.write(file, xz(tar(TOP, files)));
    return file;
  }

  static Path deb(Path file, Map<String, String> files) throws IOException {
    return debHolding(file, xz(tar(TOP, files)));
  }

  /** A {@code .deb} of some other package: documentation only. */
  static Path debWithoutTarball(Path file) throws IOException {
    return debHolding(file, null);
  }

  private static Path debHolding(Path file, byte[] tarball) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(data)) {
      add(tar, "./usr/share/doc/linux-source-6.12/copyright", "GPL".getBytes());
      if (tarball != null) {
        add(tar, "./usr/src/linux-source-6.12.tar.xz", tarball);
      }
    }
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(Files.newOutputStream(file))) {
      member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      member(ar, "control.tar.xz", xz(tar("./", Map.of("control", "Package: x\n"))));
      member(ar, "data.tar.xz", xz(data.toByteArray()));
    }
    return file;
  }

  private static byte[] tar(String top, Map<String, String> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> f : files.entrySet()) {
        add(tar, top + f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static void add(TarArchiveOutputStream tar, String name, byte[] content)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void member(ArArchiveOutputStream ar, String name, byte[] content)
      throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, content.length));
    ar.write(content);
    ar.closeArchiveEntry();
  }

  private static byte[] xz(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream xz = new XZOutputStream(out, new LZMA2Options(1))) {
      xz.write(plain);
    }
    return out.toByteArray();
  }
}
