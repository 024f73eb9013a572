package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.debian.ControlStanza;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.initramfs.InitramfsBuilder;
import dev.pvpanic.harness.image.initramfs.KernelModules;
import dev.pvpanic.harness.image.kmod.LoggedCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/** One {@link SystemImage} put together in a folder. */
final class SystemImageBuild {
  /** The files of images/guest/system that go into every system (and into its hash). */
  static final List<String> SYSTEM_FILES =
      List.of("packages", "stage1", "pvh-ready", "profile", "autologin.conf", "fstab", "inputrc");

  /**
   * The storage modules the first stage loads (with their dependencies) to mount the disk, where
   * the kernel has them as modules (Debian's arm64 6.1 builds virtio_pci as one, 6.12 builds it
   * in).
   */
  static final List<String> STORAGE_MODULES =
      List.of("crc32c_generic", "virtio_pci", "virtio_blk", "ext4");

  /** What the system leaves out of every package it installs: documentation, manuals, locales. */
  static final List<String> EXCLUDED =
      List.of("/usr/share/doc", "/usr/share/man", "/usr/share/locale");

  /** A fixed time for every timestamp mmdebstrap and mke2fs write: same inputs, same bytes. */
  static final String EPOCH = "1700000000";

  private final DebianArchive archive;
  private final Path guestDir;
  private final Consumer<String> log;
  private final ImageRecipe r;
  private final GuestImage base;
  private final RecipePins basePins;
  private final List<LockedPackage> pins;

  SystemImageBuild(
      DebianArchive archive,
      Path guestDir,
      Consumer<String> log,
      ImageRecipe recipe,
      GuestImage base,
      RecipePins basePins,
      List<LockedPackage> pins) {
    this.archive = archive;
    this.guestDir = guestDir;
    this.log = log;
    this.r = recipe;
    this.base = base;
    this.basePins = basePins;
    this.pins = pins;
  }

  /**
   * Builds the system image into {@code out}, working in {@code work} (a cache scratch folder,
   * {@link dev.pvpanic.harness.image.cache.ContentStore#scratch}, swept when this process dies);
   * empties {@code work} when done.
   */
  void writeTo(Path out, Path work) throws IOException {
    try {
      Path kernelRoot = Files.createDirectories(work.resolve("kernel"));
      for (LockedPackage p : basePins.kernel()) {
        DebFile.extract(archive.fetch(p), kernelRoot, SystemImageBuild::kernelTree);
      }
      if (r.kernel() instanceof ImageRecipe.LocalDeb d) {
        DebFile.extract(d.deb(), kernelRoot, SystemImageBuild::kernelTree);
      }
      KernelFiles kernel = KernelFiles.find(kernelRoot);
      String release = kernel.release();
      Path overlay = Files.createDirectories(work.resolve("overlay"));
      installKernel(kernelRoot, kernel, overlay, work);
      Path stage1 = work.resolve("initrd.cpio.gz");
      firstStage(kernel, work).write(stage1);
      // where kdump-tools' kernel hook puts its initramfs, and the links kdump-config makes
      Path kdump = Files.createDirectories(overlay.resolve("var/lib/kdump"));
      Files.copy(stage1, kdump.resolve("initrd.img-" + release));
      Files.createSymbolicLink(
          kdump.resolve("initrd.img"), Path.of("/var/lib/kdump/initrd.img-" + release));
      Files.createSymbolicLink(kdump.resolve("vmlinuz"), Path.of("/boot/vmlinuz-" + release));
      Files.createDirectories(overlay.resolve("var/crash"));
      guestFiles(overlay);
      Path rootfs = work.resolve("rootfs");
      mmdebstrap(work, overlay, rootfs, release);
      SystemFacts facts = SystemFacts.read(rootfs);
      disk(rootfs, out.resolve(SystemImage.DISK), work);
      Files.copy(stage1, out.resolve("initrd.cpio.gz"));
      Files.copy(base.kernel(), out.resolve("vmlinuz"));
      manifest(out, facts, release);
    } finally {
      FileUtils.deleteQuietly(work.toFile());
    }
  }

  /** The kernel's whole modules tree, its image and config (udev loads what the system needs). */
  static boolean kernelTree(String path) {
    String p = path.startsWith("./") ? path.substring(2) : path;
    return p.startsWith("boot/vmlinu")
        || p.startsWith("boot/config-")
        || p.startsWith("boot/System.map-")
        || p.matches("(usr/)?lib/modules/.*");
  }

  /**
   * The kernel into the system: /boot and /lib/modules as its package installs them, plus the
   * pvpanic modules the harness built out of tree (under updates/, as DKMS puts them); none for
   * {@code pvpanic: none}, which removes the kernel's own.
   */
  private void installKernel(Path kernelRoot, KernelFiles kernel, Path overlay, Path work)
      throws IOException {
    // under usr/ whichever way the package ships it: the system's /lib is a link to usr/lib
    FileUtils.copyDirectory(kernelRoot.resolve("boot").toFile(), overlay.resolve("boot").toFile());
    Path installed = overlay.resolve("usr/lib/modules").resolve(kernel.release());
    for (String tree : List.of("lib/modules/", "usr/lib/modules/")) {
      Path shipped = kernelRoot.resolve(tree + kernel.release());
      if (Files.isDirectory(shipped)) {
        FileUtils.copyDirectory(shipped.toFile(), installed.toFile());
      }
    }
    if (r.pvpanic() == ImageRecipe.DriverPolicy.NONE) {
      try (Stream<Path> all = Files.walk(installed)) {
        for (Path m : all.filter(p -> p.getFileName().toString().startsWith("pvpanic")).toList()) {
          Files.delete(m);
        }
      }
    }
    if (r.pvpanic().builds()) {
      Map<String, Object> driver = new LinkedHashMap<>();
      List<PvpanicModules.ModuleFile> built =
          new PvpanicModules(archive, log).of(r, basePins, kernel, work, driver);
      Path updates = Files.createDirectories(installed.resolve("updates/pvh"));
      for (PvpanicModules.ModuleFile m : built) {
        Files.write(updates.resolve(m.name() + ".ko"), m.content());
      }
    }
  }

  /** The first stage: the capture initramfs's files and the storage modules, listed in order. */
  private InitramfsBuilder firstStage(KernelFiles kernel, Path work) throws IOException {
    Path userRoot = Files.createDirectories(work.resolve("userland"));
    for (LockedPackage p : basePins.userland()) {
      DebFile.extract(archive.fetch(p), userRoot, path -> true);
    }
    Path busybox = ImageAssembly.firstExisting(userRoot, "bin/busybox", "usr/bin/busybox");
    byte[] stage1 = Files.readAllBytes(guestDir.resolve("system/stage1"));
    InitramfsBuilder stage = ImageAssembly.captureBase(stage1, busybox, userRoot);
    stage.directory("/lib/pvh");
    stage.file("/lib/pvh/init", guestDir.resolve("init"), 0644);
    Optional<KernelModules> tree = kernel.modules();
    StringBuilder list = new StringBuilder();
    Map<String, Object> notes = new TreeMap<>();
    for (String name : STORAGE_MODULES) {
      for (PvpanicModules.ModuleFile m :
          TriggerModules.withDependencies(tree, name, notes).orElse(List.of())) {
        String path = "/lib/modules/pvh/storage/" + m.name() + ".ko";
        if (!stage.contains(path)) {
          stage.file(path, m.content(), 0644);
          list.append(path).append('\n');
        }
      }
    }
    stage.file("/etc/pvh/storage", list.toString().getBytes(StandardCharsets.UTF_8), 0644);
    return stage;
  }

  /** The harness's files in the system: READY on the console's autologin shell. */
  private void guestFiles(Path overlay) throws IOException {
    Path system = guestDir.resolve("system");
    install(guestDir.resolve("init"), overlay.resolve("usr/lib/pvh/init"));
    install(system.resolve("pvh-ready"), overlay.resolve("usr/local/sbin/pvh-ready"));
    overlay.resolve("usr/local/sbin/pvh-ready").toFile().setExecutable(true, false);
    install(system.resolve("profile"), overlay.resolve("root/.profile"));
    install(system.resolve("inputrc"), overlay.resolve("root/.inputrc"));
    install(
        system.resolve("autologin.conf"),
        overlay.resolve("etc/systemd/system/serial-getty@.service.d/autologin.conf"));
    install(system.resolve("fstab"), overlay.resolve("etc/fstab"));
    Files.writeString(overlay.resolve("etc/hostname"), "pvh-guest\n");
  }

  private static void install(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The system from exactly the pinned packages: a local repository of the fetched files, and
   * mmdebstrap installing every one of them (maintainer scripts run under qemu-user for another
   * architecture), then the overlay, depmod, and no apt source left behind.
   */
  private void mmdebstrap(Path work, Path overlay, Path rootfs, String release) throws IOException {
    Path repo = Files.createDirectories(work.resolve("repo"));
    StringBuilder index = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (LockedPackage p : pins) {
      Path deb = archive.fetch(p);
      String file = p.name() + "_" + p.arch() + ".deb";
      Files.copy(deb, repo.resolve(file));
      index.append(stanza(DebFile.control(deb), file, p)).append('\n');
      names.add(p.name());
    }
    Files.writeString(repo.resolve("Packages"), index.toString());
    log.accept("installing " + pins.size() + " packages with mmdebstrap into the system image");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "mmdebstrap",
                "--mode=root",
                "--variant=custom",
                "--architectures=" + r.arch().debianArch(),
                "--include=" + String.join(",", names),
                excludeAfterExtracting(),
                "--customize-hook=sync-in " + overlay + " /",
                "--customize-hook=chroot \"$1\" depmod " + release,
                // what kdump-tools' kernel hook records beside the initramfs it makes: without it
                // kdump-config takes the initramfs for stale, deletes it and finds no mkinitramfs
                "--customize-hook=cp \"$1\"/etc/kdump/sysctl.conf \"$1\"/var/lib/kdump/latest_sysctls-"
                    + release,
                "--customize-hook=rm -f \"$1\"/etc/apt/sources.list",
                Userland.DEBIAN_SUITE,
                rootfs.toString(),
                "deb [trusted=yes] copy://" + repo + " ./"));
    new LoggedCommand(argv, work, Map.of("SOURCE_DATE_EPOCH", EPOCH))
        .run(work.resolve("mmdebstrap.log"), SystemImage.MMDEBSTRAP_TIMEOUT);
  }

  /**
   * The hook that leaves out {@link #EXCLUDED} once mmdebstrap has extracted the packages: it
   * removes what the extraction wrote there and gives dpkg the path-exclude rules that keep it out
   * when dpkg installs the same packages next (the file mmdebstrap's own {@code --dpkgopt} writes,
   * with the same lines). Given as {@code --dpkgopt} before extraction instead, the rules made
   * mmdebstrap pipe every package through its Python tar filter: 121 s of the x86_64 system image's
   * build, against 18 s for the same extraction unfiltered.
   */
  static String excludeAfterExtracting() {
    StringBuilder rules = new StringBuilder();
    StringBuilder remove = new StringBuilder();
    for (String dir : EXCLUDED) {
      rules.append("path-exclude=").append(dir).append("/*\\n");
      remove.append(" \"$1\"").append(dir).append("/*");
    }
    return "--extract-hook=mkdir -p \"$1\"/etc/dpkg/dpkg.cfg.d"
        + " && printf '"
        + rules
        + "' > \"$1\"/etc/dpkg/dpkg.cfg.d/99mmdebstrap"
        + " && rm -rf"
        + remove;
  }

  /** A Packages stanza apt takes the pinned file from. */
  static String stanza(ControlStanza control, String file, LockedPackage p) {
    StringBuilder sb = new StringBuilder();
    for (String field :
        List.of(
            "Package",
            "Version",
            "Architecture",
            "Multi-Arch",
            "Essential",
            "Priority",
            "Pre-Depends",
            "Depends",
            "Provides",
            "Breaks",
            "Conflicts",
            "Replaces")) {
      control
          .get(field)
          .ifPresent(
              v -> sb.append(field).append(": ").append(v.strip().replace("\n", " ")).append('\n'));
    }
    sb.append("Filename: ./").append(file).append('\n');
    sb.append("Size: ").append(p.size()).append('\n');
    sb.append("SHA256: ").append(p.sha256()).append('\n');
    return sb.toString();
  }

  /** An ext4 disk of the system with room for dumps, its bytes fixed by its inputs. */
  private static void disk(Path rootfs, Path disk, Path work) throws IOException {
    long used = FileUtils.sizeOfDirectory(rootfs.toFile());
    long mib = used / (1 << 20) * 3 / 2 + 768;
    new LoggedCommand(
            List.of(
                "mke2fs",
                "-q",
                "-F",
                "-t",
                "ext4",
                "-L",
                "pvh-root",
                "-U",
                "9d1a7c3e-5b2f-4e60-8a41-000000000001",
                "-E",
                "root_owner=0:0,hash_seed=9d1a7c3e-5b2f-4e60-8a41-000000000002",
                "-d",
                rootfs.toString(),
                disk.toString(),
                mib + "M"),
            work,
            Map.of("E2FSPROGS_FAKE_TIME", EPOCH, "PATH", "/usr/sbin:/sbin:/usr/bin:/bin"))
        .run(work.resolve("mke2fs.log"), SystemImage.MMDEBSTRAP_TIMEOUT);
  }

  private void manifest(Path out, SystemFacts facts, String release) throws IOException {
    Map<String, Object> m = SystemImage.manifest(base.manifest());
    m.put("userland", Userland.DEBIAN.id());
    m.put("suite", Userland.DEBIAN_SUITE);
    m.put("baseImage", base.id());
    m.put("system", facts.toManifest());
    m.put("systemPackages", pins);
    m.put("kernelRelease", release);
    m.put("kernelSha256", Sha256.of(out.resolve("vmlinuz")));
    m.put("kernelBytes", Files.size(out.resolve("vmlinuz")));
    m.put("initrdSha256", Sha256.of(out.resolve("initrd.cpio.gz")));
    m.put("initrdBytes", Files.size(out.resolve("initrd.cpio.gz")));
    m.put("diskSha256", Sha256.of(out.resolve(SystemImage.DISK)));
    m.put("diskBytes", Files.size(out.resolve(SystemImage.DISK)));
    Json.PRETTY.writeValue(out.resolve("manifest.json").toFile(), m);
  }

  /**
   * The packages apt installs for Debian's minbase and images/guest/system/packages on the host's
   * own architecture, by name (mmdebstrap into a scratch folder, then its dpkg status).
   */
  static List<String> resolveNatively(
      DebianArchive archive, Path guestDir, Path work, Consumer<String> log) {
    try {
      List<String> roots = new ArrayList<>();
      for (String line : Files.readAllLines(guestDir.resolve("system/packages"))) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          roots.add(line.strip());
        }
      }
      Path rootfs = work.resolve("rootfs");
      String mirror = archive.mirrors().archiveFor(Userland.DEBIAN_SUITE).toString();
      new LoggedCommand(
              List.of(
                  "mmdebstrap",
                  "--mode=root",
                  "--variant=minbase",
                  "--include=" + String.join(",", roots),
                  Userland.DEBIAN_SUITE,
                  rootfs.toString(),
                  mirror),
              work,
              Map.of())
          .run(work.resolve("mmdebstrap.log"), SystemImage.MMDEBSTRAP_TIMEOUT);
      java.util.SortedSet<String> installed = new java.util.TreeSet<>();
      for (ControlStanza s :
          ControlStanza.parseAll(Files.readString(rootfs.resolve("var/lib/dpkg/status")))) {
        if (s.getOrEmpty("Status").endsWith(" installed")) {
          installed.add(s.getOrEmpty("Package"));
        }
      }
      log.accept("the debian userland: " + installed.size() + " packages");
      return List.copyOf(installed);
    } catch (IOException e) {
      throw new HarnessException("cannot resolve the debian userland: " + e.getMessage(), e);
    } finally {
      FileUtils.deleteQuietly(work.toFile());
    }
  }
}
