package dev.pvpanic.harness.image.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU builds from Debian packages ({@code qemu: debian:<suite>} or {@code
 * debian:<suite>=<version>}): the packages {@link DebianQemuPackages} names are pinned in the lock
 * file's {@code qemu} section (resolved against the mirror on first use, like an image recipe),
 * fetched through the archive client, extracted into the content store's derived area, and run from
 * there with {@code QEMU_MODULE_DIR} and {@code -L} pointing into the extracted tree. The host's
 * shared libraries are used: a build that needs libraries this host lacks is refused with their
 * names (checked with {@code ldd}).
 */
public final class DebianQemu {
  public static final String PREFIX = "debian:";
  private static final Pattern SPEC = Pattern.compile("([a-z][a-z0-9-]*)(?:=(\\S+))?");
  private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@code debian:<suite>[=<version>]} asks for. */
  public record Request(String suite, Optional<String> version) {
    /** Parses the part after {@code debian:}. */
    public static Request parse(String spec) {
      Matcher m = SPEC.matcher(spec);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "'"
                + PREFIX
                + spec
                + "' is not a Debian QEMU build; valid: debian:<suite> or"
                + " debian:<suite>=<version>, e.g. debian:bookworm-backports");
      }
      return new Request(m.group(1), Optional.ofNullable(m.group(2)));
    }

    @Override
    public String toString() {
      return PREFIX + suite + version.map(v -> "=" + v).orElse("");
    }
  }

  private final DebianArchive archive;
  private final ContentStore store;
  private final Path lockFile;
  private final Consumer<String> log;

  public DebianQemu(
      DebianArchive archive, ContentStore store, Path lockFile, Consumer<String> log) {
    this.archive = archive;
    this.store = store;
    this.lockFile = lockFile;
    this.log = log;
  }

  /** Wired like the image builder: mirror, cache and lock file from the environment. */
  public static DebianQemu fromEnvironment(Consumer<String> log) {
    ContentStore store = ContentStore.at(Settings.system());
    DebianArchive archive = ImageEnvironment.archive(Optional.empty(), store);
    return new DebianQemu(archive, store, Settings.system().lockFile(), log);
  }

  /** The key of a build's pins in the lock: the request, the host architecture, the emulator. */
  static String lockKey(Request request, String hostArch, Architecture guest) {
    return request + "/" + hostArch + "/" + DebianQemuPackages.emulator(guest);
  }

  /**
   * The build for {@code spec} (what follows {@code debian:}) running guests of {@code guest}.
   * Throws {@link QemuBuildUnavailableException} saying why when it cannot be made ready here.
   */
  public synchronized QemuBuild build(String spec, Architecture guest) {
    Request request = Request.parse(spec);
    Architecture host =
        Architecture.host()
            .orElseThrow(
                () ->
                    new QemuBuildUnavailableException(
                        request + ": unsupported host " + Settings.system().hostArch()));
    try {
      List<LockedPackage> pins = pins(request, host.debianArch(), guest);
      Path root = store.publishDerived(derivedKey(pins), dir -> extract(pins, dir, host, guest));
      Path binary = root.resolve("usr/bin").resolve(guest.qemuBinary());
      if (!Files.isExecutable(binary)) {
        throw new QemuBuildUnavailableException(
            request + ": the packages " + pins + " hold no " + binary);
      }
      List<String> missing = missingLibraries(binary);
      if (!missing.isEmpty()) {
        throw new QemuBuildUnavailableException(
            request
                + " (QEMU "
                + pins.get(0).version()
                + ") needs shared libraries this host lacks: "
                + String.join(", ", missing)
                + "; it runs with the host's libraries, so use a suite built for this host's"
                + " release (e.g. <release>-backports)");
      }
      List<String> args = new ArrayList<>();
      for (String firmware : List.of("usr/share/qemu", "usr/share/seabios")) {
        if (Files.isDirectory(root.resolve(firmware))) {
          args.addAll(List.of("-L", root.resolve(firmware).toString()));
        }
      }
      String label = PREFIX + request.suite() + "=" + pins.get(0).version();
      return new QemuBuild(
          label,
          binary.toString(),
          Map.of("QEMU_MODULE_DIR", root.resolve(moduleDir(host)).toString()),
          args);
    } catch (QemuBuildUnavailableException e) {
      throw e;
    } catch (HarnessException | IllegalArgumentException e) {
      throw new QemuBuildUnavailableException(
          request + " could not be prepared: " + e.getMessage(), e);
    }
  }

  private List<LockedPackage> pins(Request request, String hostArch, Architecture guest) {
    String key = lockKey(request, hostArch, guest);
    Optional<List<LockedPackage>> pinned = ImageLock.readOrEmpty(lockFile).qemuPins(key);
    if (pinned.isPresent()) {
      return pinned.get();
    }
    log.accept("resolving QEMU " + key + " against the Debian mirror (not in " + lockFile + ")");
    List<LockedPackage> pins =
        DebianQemuPackages.resolve(
            archive::packages, request.suite(), request.version(), guest, hostArch);
    ImageLock.readOrEmpty(lockFile).withQemu(key, pins).write(lockFile);
    return pins;
  }

  private void extract(List<LockedPackage> pins, Path dir, Architecture host, Architecture guest)
      throws IOException {
    String modules = moduleDir(host) + "/";
    Predicate<String> wanted =
        p ->
            p.equals("usr/bin/" + guest.qemuBinary())
                || p.startsWith(modules)
                || p.startsWith("usr/share/qemu/")
                || p.startsWith("usr/share/seabios/");
    for (LockedPackage pin : pins) {
      log.accept("extracting " + pin);
      DebFile.extract(archive.fetch(pin), dir, wanted);
    }
    // provenance: which packages this tree is, next to it
    Files.writeString(
        dir.resolve("qemu-packages.json"),
        JSON.writeValueAsString(pins) + "\n",
        StandardCharsets.UTF_8);
  }

  private static String moduleDir(Architecture host) {
    return "usr/lib/" + host.id() + "-linux-gnu/qemu";
  }

  /** The derived folder's key: the pins' hashes (and the extraction rules' version). */
  static String derivedKey(List<LockedPackage> pins) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update("qemu-extract-v1".getBytes(StandardCharsets.UTF_8));
      for (LockedPackage p : pins) {
        d.update(p.sha256().getBytes(StandardCharsets.UTF_8));
      }
      return "qemu-" + HexFormat.of().formatHex(d.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The libraries {@code ldd} reports as not found; empty when none (or no ldd to ask). */
  static List<String> missingLibraries(Path binary) {
    try {
      Process p =
          new ProcessBuilder("ldd", binary.toString())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      return parseNotFound(out);
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  static List<String> parseNotFound(String lddOutput) {
    List<String> missing = new ArrayList<>();
    for (String line : lddOutput.split("\n")) {
      Matcher m = NOT_FOUND.matcher(line);
      if (m.find()) {
        missing.add(m.group(1));
      }
    }
    return missing;
  }
}
