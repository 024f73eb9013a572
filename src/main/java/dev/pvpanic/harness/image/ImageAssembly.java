package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.DebianKernel;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.debian.ControlStanza;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.initramfs.InitramfsBuilder;
import dev.pvpanic.harness.image.initramfs.SharedLibraryClosure;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One guest image put together in a folder from its recipe and pinned inputs: the kernel (from its
 * packages or a user's files), the pvpanic and trigger modules, the capture initramfs (kept inside
 * the main one for kexec), the main initramfs, and the manifest that records all of it. {@link
 * ImageBuilder} decides whether to assemble and publishes the folder under the inputs' hash.
 */
final class ImageAssembly {
  private final DebianArchive archive;
  private final Path guestDir;
  private final Consumer<String> log;
  private final ImageRecipe r;
  private final RecipePins pins;
  private final Optional<UserKernelInputs> inputs;

  ImageAssembly(
      DebianArchive archive,
      Path guestDir,
      Consumer<String> log,
      ImageRecipe recipe,
      RecipePins pins,
      Optional<UserKernelInputs> inputs) {
    this.archive = archive;
    this.guestDir = guestDir;
    this.log = log;
    this.r = recipe;
    this.pins = pins;
    this.inputs = inputs;
  }

  /** The modules in the image, and what the manifest says of them. */
  private record Modules(
      List<PvpanicModules.ModuleFile> pvpanic,
      Map<String, Object> driver,
      List<String> triggers,
      Map<String, Object> triggerNotes) {}

  /** Writes {@code vmlinuz}, {@code initrd.cpio.gz}, {@code manifest.json} (and config) to out. */
  void writeTo(Path out) throws IOException {
    Path work = Files.createTempDirectory("pvh-image-");
    try {
      KernelFiles kernel = kernel(work);
      Map<String, Object> driver = new LinkedHashMap<>();
      PvpanicModules pvpanicModules = new PvpanicModules(archive, log);
      List<PvpanicModules.ModuleFile> pvpanic = pvpanicModules.of(r, pins, kernel, work, driver);

      Path userRoot = Files.createDirectories(work.resolve("userland"));
      for (LockedPackage p : pins.userland()) {
        DebFile.extract(archive.fetch(p), userRoot, path -> true);
      }
      Path busybox = firstExisting(userRoot, "bin/busybox", "usr/bin/busybox");
      byte[] init = Files.readAllBytes(guestDir.resolve("init"));
      Path capture = captureInitramfs(work, init, busybox, userRoot);

      InitramfsBuilder main = mainInitramfs(init, busybox, userRoot, pvpanic);
      Map<String, Object> triggerNotes = new LinkedHashMap<>();
      List<String> triggers = addTriggerModules(main, kernel, pvpanicModules, work, triggerNotes);
      main.file("/boot/vmlinuz", kernel.image(), 0644);
      main.file("/boot/capture.cpio.gz", capture, 0644);
      main.write(out.resolve("initrd.cpio.gz"));
      Files.copy(kernel.image(), out.resolve("vmlinuz"));
      writeManifest(out, kernel, new Modules(pvpanic, driver, triggers, triggerNotes));
    } finally {
      ImageBuilder.deleteTree(work);
    }
  }

  /** The kernel's files under {@code work}, refused if its image is another architecture's. */
  private KernelFiles kernel(Path work) throws IOException {
    Path kernelRoot = Files.createDirectories(work.resolve("kernel"));
    if (inputs.isPresent()) {
      inputs.get().copyInto(kernelRoot, ImageAssembly::kernelPath);
    } else if (r.kernel() instanceof LocalDeb d) {
      DebFile.extract(d.deb(), kernelRoot, ImageAssembly::kernelPath);
    } else {
      for (LockedPackage p : pins.kernel()) {
        DebFile.extract(archive.fetch(p), kernelRoot, ImageAssembly::kernelPath);
      }
    }
    KernelFiles kernel = KernelFiles.find(kernelRoot);
    Optional<Architecture> imageArch = KernelImageFormat.of(kernel.image());
    if (imageArch.isPresent() && imageArch.get() != r.arch()) {
      throw new RecipeException(
          r.name()
              + ": its kernel image "
              + kernelRoot.relativize(kernel.image())
              + " is an "
              + imageArch.get().id()
              + " kernel, not "
              + r.arch().id()
              + "; give a kernel built for "
              + r.arch().id());
    }
    return kernel;
  }

  /** The capture kernel's initramfs, written under {@code work}. */
  private static Path captureInitramfs(Path work, byte[] init, Path busybox, Path userRoot) {
    Path capturePath = work.resolve("capture.cpio.gz");
    captureBase(init, busybox, userRoot).write(capturePath);
    return capturePath;
  }

  /**
   * What the capture kernel's initramfs holds: init, busybox and kexec-tools' vmcore-dmesg (with
   * its shared libraries), which reads the panicked kernel's log from /proc/vmcore. The debian
   * userland's first stage is this and the storage modules.
   */
  static InitramfsBuilder captureBase(byte[] init, Path busybox, Path userRoot) {
    InitramfsBuilder capture = base(init, busybox);
    String vmcoreDmesg =
        Files.exists(userRoot.resolve("sbin/vmcore-dmesg"))
            ? "/sbin/vmcore-dmesg"
            : "/usr/sbin/vmcore-dmesg";
    if (Files.exists(userRoot.resolve(vmcoreDmesg.substring(1)))) {
      SharedLibraryClosure.of(userRoot, vmcoreDmesg).addTo(capture);
      capture.file(vmcoreDmesg, userRoot.resolve(vmcoreDmesg.substring(1)), 0755);
    }
    return capture;
  }

  /** The main initramfs so far: init, busybox, kexec and the pvpanic modules loaded at boot. */
  private static InitramfsBuilder mainInitramfs(
      byte[] init, Path busybox, Path userRoot, List<PvpanicModules.ModuleFile> modules) {
    String kexec = Files.exists(userRoot.resolve("sbin/kexec")) ? "/sbin/kexec" : "/usr/sbin/kexec";
    InitramfsBuilder main = base(init, busybox);
    SharedLibraryClosure.of(userRoot, kexec).addTo(main);
    main.file(kexec, userRoot.resolve(kexec.substring(1)), 0755);
    StringBuilder list = new StringBuilder();
    for (PvpanicModules.ModuleFile m : modules) {
      String path = "/lib/modules/pvh/" + m.name() + ".ko";
      main.file(path, m.content(), 0644);
      list.append(path).append('\n');
    }
    main.file("/etc/pvh/modules", list.toString().getBytes(StandardCharsets.UTF_8), 0644);
    ModuleAliases aliases = ModuleAliases.of(modules);
    main.file("/etc/pvh/modules.alias", aliases.aliasFile().getBytes(StandardCharsets.UTF_8), 0644);
    main.file("/etc/pvh/modules.dep", aliases.depFile().getBytes(StandardCharsets.UTF_8), 0644);
    return main;
  }

  /**
   * Modules a trigger loads at run time, not at boot: /etc/pvh/extra/&lt;name&gt;.deps lists what
   * to insmod before /lib/modules/pvh/extra/&lt;name&gt;.ko (busybox insmod resolves nothing).
   *
   * @return the names of the trigger modules added
   */
  private List<String> addTriggerModules(
      InitramfsBuilder main,
      KernelFiles kernel,
      PvpanicModules pvpanicModules,
      Path work,
      Map<String, Object> triggerNotes) {
    List<String> triggerModules = new ArrayList<>();
    Optional<List<PvpanicModules.ModuleFile>> watchdog =
        TriggerModules.withDependencies(kernel.modules(), TriggerModules.WATCHDOG, triggerNotes);
    if (watchdog.isPresent()) {
      addTriggerModule(main, TriggerModules.WATCHDOG, watchdog.get());
      triggerModules.add(TriggerModules.WATCHDOG);
    }
    Optional<KernelBuildTree> tree = inputs.flatMap(UserKernelInputs::tree);
    Path oopsSource = guestDir.resolve("oops");
    Optional<PvpanicModules.ModuleFile> oops =
        tree.isPresent()
            ? OopsModule.buildInTree(tree.get(), work, oopsSource, triggerNotes, log)
            : OopsModule.build(pvpanicModules, pins, kernel, work, oopsSource, triggerNotes, log);
    if (oops.isPresent()) {
      addTriggerModule(main, OopsModule.NAME, List.of(oops.get()));
      triggerModules.add(OopsModule.NAME);
    }
    return triggerModules;
  }

  /**
   * Puts a trigger module and its dependencies ({@code files}: dependencies first, the module last)
   * into the image, with the list of dependencies to load first.
   */
  private static void addTriggerModule(
      InitramfsBuilder image, String name, List<PvpanicModules.ModuleFile> files) {
    StringBuilder deps = new StringBuilder();
    for (PvpanicModules.ModuleFile f : files) {
      String path = TriggerModules.DIR + "/" + f.name() + ".ko";
      if (!image.contains(path)) {
        image.file(path, f.content(), 0644);
      }
      if (!f.name().equals(name)) {
        deps.append(path).append('\n');
      }
    }
    image.file(
        "/etc/pvh/extra/" + name + ".deps", deps.toString().getBytes(StandardCharsets.UTF_8), 0644);
  }

  /** manifest.json: what went into the image, and the config beside it when the kernel has one. */
  private void writeManifest(Path out, KernelFiles kernel, Modules modules) throws IOException {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("recipe", r.name());
    manifest.put("arch", r.arch().id());
    manifest.put("kernelRelease", kernel.release());
    manifest.put("driver", modules.driver().get("origin"));
    manifest.put("driverDetails", modules.driver());
    manifest.put(
        "modules", modules.pvpanic().stream().map(PvpanicModules.ModuleFile::name).toList());
    manifest.put("triggerModules", modules.triggers());
    manifest.put("triggerModuleDetails", modules.triggerNotes());
    manifest.put("kernelSource", kernelSource(r));
    if (r.kernel() instanceof LocalDeb d) {
      manifest.put("kernelPackage", debDescription(d.deb()));
    }
    if (inputs.isPresent()) {
      manifest.put("kernelBuild", inputs.get().description());
    }
    Optional<KernelConfig> config = kernel.parsedConfig();
    if (config.isPresent()) {
      // the oracle's facts of the kernel (ImageFacts), and the whole file for a person
      manifest.put("kernelConfig", config.get().only(KernelConfig.FACT_SYMBOLS).values());
      Files.copy(kernel.config().get(), out.resolve("config"));
      manifest.put("kernelConfigSha256", Sha256.of(out.resolve("config")));
    }
    Map<String, Object> packages = new LinkedHashMap<>();
    packages.put("kernel", pins.kernel());
    packages.put("userland", pins.userland());
    packages.put("moduleBuild", pins.moduleBuild());
    manifest.put("packages", packages);
    manifest.put("kernelSha256", Sha256.of(out.resolve("vmlinuz")));
    manifest.put("initrdSha256", Sha256.of(out.resolve("initrd.cpio.gz")));
    manifest.put("initrdBytes", Files.size(out.resolve("initrd.cpio.gz")));
    manifest.put("kernelBytes", Files.size(out.resolve("vmlinuz")));
    Json.PRETTY.writeValue(out.resolve("manifest.json").toFile(), manifest);
  }

  /**
   * A kernel package file as the manifest records it: its bytes and its control (not its path: the
   * image is shared by every path those bytes are found at).
   */
  private static Map<String, Object> debDescription(Path deb) throws IOException {
    ControlStanza control = DebFile.control(deb);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sha256", Sha256.of(deb));
    out.put("bytes", Files.size(deb));
    out.put("package", control.getOrEmpty("Package"));
    out.put("version", control.getOrEmpty("Version"));
    out.put("architecture", control.getOrEmpty("Architecture"));
    control.get("Source").ifPresent(src -> out.put("source", src));
    return out;
  }

  /** Where the kernel came from, as the manifest says it: {@code debian} or a user's kind. */
  private static String kernelSource(ImageRecipe r) {
    return UserKernels.kind(r.name())
        .orElse(r.kernel() instanceof DebianKernel ? "debian" : "local");
  }

  private static InitramfsBuilder base(byte[] init, Path busybox) {
    InitramfsBuilder b = new InitramfsBuilder();
    b.consoleDevices();
    for (String d :
        List.of("/proc", "/sys", "/tmp", "/run", "/etc", "/usr/bin", "/usr/sbin", "/sbin")) {
      b.directory(d);
    }
    b.file("/init", init, 0755);
    b.file("/bin/busybox", busybox, 0755);
    b.symlink("/bin/sh", "busybox");
    return b;
  }

  /**
   * Only the kernel image, its config, the pvpanic modules and the watchdog drivers: the rest of a
   * kernel deb is big.
   */
  static boolean kernelPath(String path) {
    String p = path.startsWith("./") ? path.substring(2) : path;
    return p.startsWith("boot/vmlinu")
        || p.startsWith("boot/config-")
        || p.matches("(usr/)?lib/modules/[^/]+/(vmlinuz|config)")
        || (p.matches("(usr/)?lib/modules/.*") && p.contains("pvpanic"))
        // the watchdog trigger's driver and the watchdog core it may need as a module
        || p.matches("(usr/)?lib/modules/[^/]+/kernel/drivers/watchdog/.*");
  }

  static Path firstExisting(Path root, String... candidates) {
    for (String c : candidates) {
      if (Files.exists(root.resolve(c))) {
        return root.resolve(c);
      }
    }
    throw new HarnessException("none of " + List.of(candidates) + " in " + root);
  }
}
