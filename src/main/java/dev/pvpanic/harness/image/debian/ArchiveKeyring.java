package dev.pvpanic.harness.image.debian;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPPublicKeyRingCollection;

/**
 * The OpenPGP public keys trusted to sign Debian suites: the host's {@code debian-archive-keyring}
 * and any extra keys the project commits (binary {@code *.gpg} or ASCII-armored {@code *.asc}).
 * Signing subkeys are found through their primary key's ring.
 */
public final class ArchiveKeyring {

  /** Where the debian-archive-keyring package installs the archive keys. */
  public static final Path HOST_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

  /**
   * The project's extra keys, relative to the checkout (e.g. newer archive keys than the host's).
   */
  public static final Path PROJECT_KEYS = Path.of("images", "keys");

  private static final String ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

  private final List<PGPPublicKeyRing> rings;
  private final List<Path> sources;

  private ArchiveKeyring(List<PGPPublicKeyRing> rings, List<Path> sources) {
    this.rings = List.copyOf(rings);
    this.sources = List.copyOf(sources);
  }

  /** A keyring of exactly these key rings (tests, or keys from elsewhere). */
  public static ArchiveKeyring of(Collection<PGPPublicKeyRing> rings) {
    return new ArchiveKeyring(new ArrayList<>(rings), List.of());
  }

  /** The host keyring plus the keys in {@code projectKeys}; either may be missing, not both. */
  public static ArchiveKeyring standard(Path projectKeys) {
    return load(List.of(HOST_KEYRING, projectKeys));
  }

  /**
   * Loads keys from each path: a keyring file (binary or armored), or a folder whose {@code *.gpg}
   * and {@code *.asc} files are loaded in name order. Missing paths are skipped; throws {@link
   * DebianArchiveException} when a file is not a keyring or no key was found at all.
   */
  public static ArchiveKeyring load(List<Path> paths) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    List<Path> loaded = new ArrayList<>();
    for (Path path : paths) {
      for (Path file : keyFiles(path)) {
        rings.addAll(readKeyFile(file));
        loaded.add(file);
      }
    }
    if (rings.isEmpty()) {
      throw new DebianArchiveException(
          "no Debian archive keys found in "
              + paths
              + ": install the debian-archive-keyring package (it provides "
              + HOST_KEYRING
              + ") or put the archive's public keys as *.asc or *.gpg files in "
              + PROJECT_KEYS);
    }
    return new ArchiveKeyring(rings, loaded);
  }

  /** The key (primary or subkey) with this 64-bit key id, if any ring has it. */
  public Optional<PGPPublicKey> publicKey(long keyId) {
    return ringOf(keyId).map(ring -> ring.getPublicKey(keyId));
  }

  /** The ring holding the key (primary or subkey) with this key id. */
  public Optional<PGPPublicKeyRing> ringOf(long keyId) {
    for (PGPPublicKeyRing ring : rings) {
      if (ring.getPublicKey(keyId) != null) {
        return Optional.of(ring);
      }
    }
    return Optional.empty();
  }

  /** One line per primary key: long key id and first user id. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (PGPPublicKeyRing ring : rings) {
      PGPPublicKey primary = ring.getPublicKey();
      Iterator<String> userIds = primary.getUserIDs();
      lines.add(
          keyId(primary.getKeyID()) + " " + (userIds.hasNext() ? userIds.next() : "(no user id)"));
    }
    return lines;
  }

  public List<PGPPublicKeyRing> rings() {
    return rings;
  }

  /** The files keys were loaded from. */
  public List<Path> sources() {
    return sources;
  }

  /** A key id as gpg prints it in long form, e.g. {@code 6ED0E7B82643E131}. */
  public static String keyId(long keyId) {
    return String.format(Locale.ROOT, "%016X", keyId);
  }

  private static List<Path> keyFiles(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(path)) {
      return children
          .filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getFileName().toString().endsWith(".gpg")
                      || p.getFileName().toString().endsWith(".asc"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new DebianArchiveException("cannot list key folder " + path + ": " + e, e);
    }
  }

  private static List<PGPPublicKeyRing> readKeyFile(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
      List<PGPPublicKeyRing> rings = new ArrayList<>();
      if (head.contains(ARMOR_BEGIN)) {
        // An .asc may hold several armored blocks; the decoder reads only one per stream.
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (int start = text.indexOf(ARMOR_BEGIN);
            start >= 0;
            start = text.indexOf(ARMOR_BEGIN, start + 1)) {
          rings.addAll(
              readRings(
                  new ByteArrayInputStream(
                      text.substring(start).getBytes(StandardCharsets.ISO_8859_1))));
        }
      } else {
        rings.addAll(readRings(new ByteArrayInputStream(bytes)));
      }
      if (rings.isEmpty()) {
        throw new DebianArchiveException("no public keys in " + file);
      }
      return rings;
    } catch (IOException | PGPException e) {
      throw new DebianArchiveException(
          "cannot read OpenPGP keys from " + file + " (expected a binary or armored keyring): " + e,
          e);
    }
  }

  private static List<PGPPublicKeyRing> readRings(InputStream in) throws IOException, PGPException {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    new BcPGPPublicKeyRingCollection(PGPUtil.getDecoderStream(in)).forEach(rings::add);
    return rings;
  }
}
