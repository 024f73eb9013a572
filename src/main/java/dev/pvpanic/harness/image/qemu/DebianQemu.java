package dev.pvpanic.harness.image.qemu;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.DebianVersion;
import dev.pvpanic.harness.image.debian.LoaderListing;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.debian.PackageEntry;
import dev.pvpanic.harness.image.debian.PackageNotFoundException;
import dev.pvpanic.harness.image.debian.PackagesIndex;
import dev.pvpanic.harness.image.debian.UnknownSuiteException;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.LocalProcessBackend;
import dev.pvpanic.harness.machine.NoSuchQemuBuildException;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU builds from Debian packages ({@code qemu: debian:<suite>} or {@code
 * debian:<suite>=<version>}): the packages {@link DebianQemuPackages} names are pinned in the lock
 * file's {@code qemu} section (resolved against the mirror on first use, like an image recipe),
 * fetched through the archive client, extracted into the content store's derived area, and run from
 * there with {@code QEMU_MODULE_DIR} and {@code -L} pointing into the extracted tree. The build
 * brings its own library closure (its release's shared libraries down to the C library) and runs
 * through that closure's dynamic loader, so QEMU 5.2 from bullseye and 11.x from sid run on the
 * same host without a container; a closure that still lacks a library is refused with its name
 * (checked with the loader's {@code --list}).
 */
public final class DebianQemu {
  public static final String PREFIX = "debian:";

  /**
   * A hint for a user who named a suite the mirror lacks (what Debian had when this was written).
   */
  static final String KNOWN_SUITES =
      "bullseye (5.2), bookworm (7.2), bookworm-backports (10.0), trixie (10.0),"
          + " trixie-backports (11.1), sid (the newest)";

  private static final Pattern SPEC = Pattern.compile("([a-z][a-z0-9-]*|\\d+\\.\\d+)(?:=(\\S+))?");
  private static final Pattern SERIES = Pattern.compile("\\d+\\.\\d+");
  private static final Pattern UPSTREAM_SERIES = Pattern.compile("^(\\d+\\.\\d+)(?:[^\\d]|$)");

  /**
   * Where {@code debian:<x.y>} looks for QEMU x.y, in this order: the releases first (their QEMU is
   * what a Debian user runs), then the backports, then unstable.
   */
  static final List<String> SERIES_SUITES =
      List.of("bullseye", "bookworm", "trixie", "bookworm-backports", "trixie-backports", "sid");

  /**
   * What {@code debian:<suite>[=<version>]} or {@code debian:<x.y>} asks for; for the latter {@code
   * suite} is the series, and the suite that has it is found when it is first pinned.
   */
  public record Request(String suite, Optional<String> version) {
    /** Whether this names a QEMU series ({@code 5.2}) rather than a suite. */
    public boolean series() {
      return SERIES.matcher(suite).matches();
    }

    /** Parses the part after {@code debian:}. */
    public static Request parse(String spec) {
      Matcher m = SPEC.matcher(spec);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "'"
                + PREFIX
                + spec
                + "' is not a Debian QEMU build; valid: debian:<suite>,"
                + " debian:<suite>=<version> or debian:<x.y>, e.g. debian:bookworm-backports,"
                + " debian:5.2");
      }
      if (SERIES.matcher(m.group(1)).matches() && m.group(2) != null) {
        throw new IllegalArgumentException(
            "'"
                + PREFIX
                + spec
                + "': a series (debian:"
                + m.group(1)
                + ") takes no version; pin one with debian:<suite>=<version>");
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

  /** Wired like the image builder: mirror, cache and lock file of {@code settings}. */
  public static DebianQemu of(Settings settings, Consumer<String> log) {
    ContentStore store = ContentStore.at(settings);
    DebianArchive archive = ImageEnvironment.archive(settings, Optional.empty(), store);
    return new DebianQemu(archive, store, settings.lockFile(), log);
  }

  /** The key of a build's pins in the lock: the request, the host architecture, the emulator. */
  static String lockKey(Request request, String hostArch, Architecture guest) {
    return request + "/" + hostArch + "/" + DebianQemuPackages.emulator(guest) + "+libraries";
  }

  /**
   * The build for {@code spec} (what follows {@code debian:}) running guests of {@code guest}.
   * Throws {@link QemuBuildUnavailableException} saying why when it cannot be made ready here.
   * Several builds can be made at once: each is extracted into its own derived folder, and only
   * their pins in the lock file are read and written one at a time.
   */
  public QemuBuild build(String spec, Architecture guest) {
    Request request = Request.parse(spec);
    Architecture host =
        Architecture.host()
            .orElseThrow(
                () ->
                    new QemuBuildUnavailableException(
                        request + ": unsupported host " + Settings.hostArch()));
    try {
      List<LockedPackage> pins = pins(request, host.debianArch(), guest);
      Path root = store.publishDerived(derivedKey(pins), dir -> extract(pins, dir, host, guest));
      Path binary = root.resolve("usr/bin").resolve(guest.qemuBinary());
      if (!Files.isExecutable(binary)) {
        throw new QemuBuildUnavailableException(
            request + ": the packages " + pins + " hold no " + binary);
      }
      String version = pins.get(0).version();
      List<String> launcher = launcher(request, version, root, host);
      List<String> problems = closureProblems(launcher, binary, root);
      if (!problems.isEmpty()) {
        throw new QemuBuildUnavailableException(
            request
                + " (QEMU "
                + version
                + "): its library closure is incomplete, as its own loader lists it: "
                + String.join(", ", problems)
                + "; a dependency the closure does not follow (lock entry "
                + lockKey(request, host.debianArch(), guest)
                + ")");
      }
      List<String> args = new ArrayList<>();
      for (String firmware : List.of("usr/share/qemu", "usr/share/seabios")) {
        if (Files.isDirectory(root.resolve(firmware))) {
          args.addAll(List.of("-L", root.resolve(firmware).toString()));
        }
      }
      String label = PREFIX + request.suite() + "=" + version;
      return new QemuBuild(
          label,
          binary.toString(),
          Map.of("QEMU_MODULE_DIR", root.resolve(moduleDir(host)).toString()),
          args,
          new LocalProcessBackend(),
          launcher);
    } catch (QemuBuildUnavailableException e) {
      throw e;
    } catch (UnknownSuiteException e) {
      throw new NoSuchQemuBuildException(
          request + ": " + e.getMessage() + "; Debian's QEMU: " + KNOWN_SUITES, e);
    } catch (PackageNotFoundException e) {
      throw new NoSuchQemuBuildException(request + ": " + e.getMessage(), e);
    } catch (HarnessException | IllegalArgumentException e) {
      throw new QemuBuildUnavailableException(
          request + " could not be prepared: " + e.getMessage(), e);
    }
  }

  private synchronized List<LockedPackage> pins(
      Request request, String hostArch, Architecture guest) {
    String key = lockKey(request, hostArch, guest);
    Optional<List<LockedPackage>> pinned = ImageLock.readOrEmpty(lockFile).qemuPins(key);
    if (pinned.isPresent()) {
      return pinned.get();
    }
    log.accept("resolving QEMU " + key + " against the Debian mirror (not in " + lockFile + ")");
    List<LockedPackage> pins =
        request.series()
            ? seriesPins(archive::packages, request.suite(), guest, hostArch)
            : DebianQemuPackages.resolve(
                archive::packages, request.suite(), request.version(), guest, hostArch);
    ImageLock.readOrEmpty(lockFile).withQemu(key, pins).write(lockFile);
    return pins;
  }

  /**
   * The pins of QEMU {@code series} (e.g. 5.2): the newest version of that series in the first of
   * {@link #SERIES_SUITES} that has one. A suite the mirror cannot serve (gone, stale) is passed
   * over; none having it is a {@link PackageNotFoundException} naming what each suite has.
   */
  static List<LockedPackage> seriesPins(
      DebianQemuPackages.Indexes indexes, String series, Architecture guest, String hostArch) {
    List<String> seen = new ArrayList<>();
    for (String suite : SERIES_SUITES) {
      PackagesIndex index;
      try {
        index = indexes.packages(suite, hostArch);
      } catch (HarnessException e) {
        seen.add(suite + " (not served: " + e.getMessage().split("\n")[0] + ")");
        continue;
      }
      List<PackageEntry> versions = index.versions(DebianQemuPackages.emulator(guest, index));
      for (PackageEntry e : versions) {
        if (series.equals(seriesOf(e.version()).orElse(null))) {
          return DebianQemuPackages.resolve(
              indexes, suite, Optional.of(e.version()), guest, hostArch);
        }
      }
      seen.add(
          suite
              + " ("
              + versions.stream()
                  .map(v -> seriesOf(v.version()).orElse(v.version()))
                  .distinct()
                  .collect(java.util.stream.Collectors.joining(", "))
              + ")");
    }
    throw new PackageNotFoundException(
        "no suite has QEMU " + series + "; QEMU by suite: " + String.join(", ", seen));
  }

  /** {@code 5.2} for {@code 1:5.2+dfsg-11+deb11u3}, {@code 10.0} for {@code 1:10.0.2+ds-2}. */
  static Optional<String> seriesOf(String debianVersion) {
    Matcher m = UPSTREAM_SERIES.matcher(DebianVersion.parse(debianVersion).upstream());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private void extract(List<LockedPackage> pins, Path dir, Architecture host, Architecture guest)
      throws IOException {
    // the emulator, its modules and firmware, and every shared library (modules are under lib too)
    Predicate<String> wanted =
        p ->
            p.equals("usr/bin/" + guest.qemuBinary())
                || p.startsWith("usr/share/qemu/")
                || p.startsWith("usr/share/seabios/")
                || LIBRARY_FOLDERS.stream().anyMatch(p::startsWith);
    for (LockedPackage pin : pins) {
      log.accept("extracting " + pin);
      DebFile.extract(archive.fetch(pin), dir, wanted);
    }
    // provenance: which packages this tree is, next to it
    Files.writeString(
        dir.resolve("qemu-packages.json"),
        Json.PRETTY.writeValueAsString(pins) + "\n",
        StandardCharsets.UTF_8);
  }

  private static final List<String> LIBRARY_FOLDERS =
      List.of("lib/", "lib64/", "usr/lib/", "usr/lib64/");

  /**
   * The closure's own dynamic loader with its library path: the build runs through it, so none of
   * the host's libraries (nor its C library) is used.
   */
  static List<String> launcher(Request request, String version, Path root, Architecture host) {
    String triplet = host.id() + "-linux-gnu";
    String loaderName =
        host == Architecture.X86_64 ? "ld-linux-x86-64.so.2" : "ld-linux-" + host.id() + ".so.1";
    List<Path> folders =
        List.of(root.resolve("usr/lib").resolve(triplet), root.resolve("lib").resolve(triplet));
    for (Path folder : folders) {
      Path loader = folder.resolve(loaderName);
      if (Files.isRegularFile(loader)) {
        String path =
            String.join(
                ":", folders.stream().filter(Files::isDirectory).map(Path::toString).toList());
        return List.of(loader.toString(), "--library-path", path);
      }
    }
    throw new QemuBuildUnavailableException(
        request
            + " (QEMU "
            + version
            + "): no dynamic loader "
            + loaderName
            + " in its library closure under "
            + root);
  }

  private static String moduleDir(Architecture host) {
    return "usr/lib/" + host.id() + "-linux-gnu/qemu";
  }

  /** The derived folder's key: the pins' hashes (and the extraction rules' version). */
  static String derivedKey(List<LockedPackage> pins) {
    StringBuilder inputs = new StringBuilder("qemu-extract-v2");
    pins.forEach(p -> inputs.append(p.sha256()));
    return "qemu-" + Sha256.of(inputs.toString()).substring(0, 32);
  }

  /**
   * What is wrong with the closure, as its own loader ({@code launcher} with {@code --list}) sees
   * the binary: a library not found, or one found outside {@code root} (the loader's fallback to
   * the host's folders, which would mix two C libraries); empty when every library is the
   * closure's.
   */
  static List<String> closureProblems(List<String> launcher, Path binary, Path root) {
    return LoaderListing.problems(launcher, binary, root);
  }
}
