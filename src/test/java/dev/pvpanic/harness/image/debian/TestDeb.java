package dev.pvpanic.harness.image.debian;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds small .deb files inside tests, the way dpkg-deb lays them out. */
public final class TestDeb {

  /** One tar entry: a directory, a file (with mode), a symlink or a hard link. */
  public record Entry(String name, byte type, int mode, String contentOrTarget) {
    public static Entry dir(String name) {
      return new Entry(name, TarConstants.LF_DIR, 0755, "");
    }

    public static Entry file(String name, int mode, String content) {
      return new Entry(name, TarConstants.LF_NORMAL, mode, content);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(name, TarConstants.LF_SYMLINK, 0777, target);
    }

    public static Entry hardLink(String name, String target) {
      return new Entry(name, TarConstants.LF_LINK, 0644, target);
    }
  }

  private final List<Entry> data = new ArrayList<>();
  private String control = "Package: test\nVersion: 1.0-1\nArchitecture: amd64\n";
  private String controlCompression = "gz";
  private String dataCompression = "xz";

  public TestDeb control(String text, String compression) {
    this.control = text;
    this.controlCompression = compression;
    return this;
  }

  public TestDeb dataCompression(String compression) {
    this.dataCompression = compression;
    return this;
  }

  public TestDeb add(Entry entry) {
    data.add(entry);
    return this;
  }

  public Path writeTo(Path file) {
    try {
      ByteArrayOutputStream deb = new ByteArrayOutputStream();
      try (ArArchiveOutputStream ar = new ArArchiveOutputStream(deb)) {
        member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
        member(
            ar,
            suffixed("control.tar", controlCompression),
            compress(
                controlCompression,
                tar(List.of(Entry.dir("./"), Entry.file("./control", 0644, control)))));
        member(ar, suffixed("data.tar", dataCompression), compress(dataCompression, tar(data)));
      }
      Files.write(file, deb.toByteArray());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String suffixed(String stem, String compression) {
    return compression.isEmpty() ? stem : stem + "." + compression;
  }

  private static void member(ArArchiveOutputStream ar, String name, byte[] bytes)
      throws IOException {
    ar.putArchiveEntry(new ArArchiveEntry(name, bytes.length));
    ar.write(bytes);
    ar.closeArchiveEntry();
  }

  static byte[] tar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        // preserveAbsolutePath: the tests need hostile names exactly as written
        TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), true);
        entry.setMode(e.mode());
        byte[] content = new byte[0];
        if (e.type() == TarConstants.LF_SYMLINK || e.type() == TarConstants.LF_LINK) {
          entry.setLinkName(e.contentOrTarget());
        } else if (e.type() == TarConstants.LF_NORMAL) {
          content = e.contentOrTarget().getBytes(StandardCharsets.UTF_8);
          entry.setSize(content.length);
        }
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static byte[] compress(String compression, byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out =
        switch (compression) {
          case "xz" -> new XZCompressorOutputStream(bytes);
          case "zst" -> new ZstdCompressorOutputStream(bytes);
          case "gz" -> new GzipCompressorOutputStream(bytes);
          case "" -> bytes;
          default -> throw new IllegalArgumentException("compression " + compression);
        }) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }
}
