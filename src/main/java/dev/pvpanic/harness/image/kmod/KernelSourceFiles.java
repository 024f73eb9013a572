package dev.pvpanic.harness.image.kmod;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A few files taken out of Debian's kernel source tarball ({@code
 * usr/src/linux-source-6.12.tar.xz}, about 150 MB compressed) without unpacking the rest: the
 * tarball is read as a stream and reading stops once every wanted file was seen (the tarball is
 * sorted, so {@code drivers/misc/} is about half way in).
 *
 * <p>Takes either the tarball itself or the {@code linux-source-*.deb} holding it.
 */
public final class KernelSourceFiles {

  private static final Pattern TARBALL_IN_DEB =
      Pattern.compile("^(\\./)?usr/src/linux-source-[^/]+\\.tar(\\.xz)?$");
  private static final int BUFFER = 1 << 16;

  private KernelSourceFiles() {}

  /**
   * Copies {@code <dirInTree>/<name>} for every name into {@code dest} (flat). Names in the tarball
   * start with one top folder ({@code linux-source-6.12/}), which is ignored.
   *
   * @return name to extracted path, in the order asked
   */
  public static Map<String, Path> extract(
      Path archive, String dirInTree, List<String> names, Path dest) {
    try {
      Files.createDirectories(dest);
      if (archive.getFileName().toString().endsWith(".deb")) {
        return fromDeb(archive, dirInTree, names, dest);
      }
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), BUFFER)) {
        return fromTarball(
            decompress(archive.getFileName().toString(), in), archive, dirInTree, names, dest);
      }
    } catch (IOException e) {
      throw new ModuleBuildException("cannot read " + dirInTree + " from " + archive + ": " + e, e);
    }
  }

  private static Map<String, Path> fromDeb(
      Path deb, String dirInTree, List<String> names, Path dest) throws IOException {
    try (ArArchiveInputStream ar =
        new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb), BUFFER))) {
      ArArchiveEntry member;
      while ((member = ar.getNextEntry()) != null) {
        if (!member.getName().startsWith("data.tar")) {
          continue;
        }
        TarArchiveInputStream data =
            new TarArchiveInputStream(decompress(member.getName(), ar)); // closed with ar
        TarArchiveEntry entry;
        while ((entry = data.getNextEntry()) != null) {
          if (entry.isFile() && TARBALL_IN_DEB.matcher(entry.getName()).matches()) {
            return fromTarball(decompress(entry.getName(), data), deb, dirInTree, names, dest);
          }
        }
        throw new ModuleBuildException(
            deb + " holds no usr/src/linux-source-*.tar.xz: is it a linux-source package?");
      }
    }
    throw new ModuleBuildException(deb + " has no data.tar member: not a .deb?");
  }

  private static Map<String, Path> fromTarball(
      InputStream tarStream, Path archive, String dirInTree, List<String> names, Path dest)
      throws IOException {
    String dir = dirInTree.endsWith("/") ? dirInTree : dirInTree + "/";
    Map<String, Path> found = new LinkedHashMap<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
    TarArchiveEntry entry;
    while (found.size() < names.size() && (entry = tar.getNextEntry()) != null) {
      String name = entry.getName();
      int slash = name.indexOf('/');
      if (!entry.isFile() || slash < 0 || !name.startsWith(dir, slash + 1)) {
        continue;
      }
      String file = name.substring(slash + 1 + dir.length());
      if (names.contains(file) && !found.containsKey(file)) {
        Path out = dest.resolve(file);
        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
        found.put(file, out);
      }
    }
    if (found.size() < names.size()) {
      TreeSet<String> missing = new TreeSet<>(names);
      missing.removeAll(found.keySet());
      throw new ModuleBuildException(
          "no "
              + missing
              + " under "
              + dir
              + " in "
              + archive
              + " (is it the right kernel source?)");
    }
    Map<String, Path> ordered = new LinkedHashMap<>();
    names.forEach(n -> ordered.put(n, found.get(n)));
    return ordered;
  }

  private static InputStream decompress(String name, InputStream in) throws IOException {
    if (name.endsWith(".xz")) {
      return new BufferedInputStream(new XZInputStream(in), BUFFER);
    }
    if (name.endsWith(".zst")) {
      return new BufferedInputStream(new ZstdInputStream(in), BUFFER);
    }
    if (name.endsWith(".gz")) {
      return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
    }
    if (name.endsWith(".tar")) {
      return in;
    }
    throw new ModuleBuildException(
        "unsupported compression: " + name + " (expected .tar, .tar.xz, .tar.zst or .tar.gz)");
  }
}
