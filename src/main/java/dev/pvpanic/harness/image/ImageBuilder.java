package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe.DebianKernel;
import dev.pvpanic.harness.image.ImageRecipe.LocalDeb;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.ControlStanza;
import dev.pvpanic.harness.image.debian.DebFile;
import dev.pvpanic.harness.image.debian.DebianArchive;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.initramfs.InitramfsBuilder;
import dev.pvpanic.harness.image.initramfs.SharedLibraryClosure;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * Builds guest images from recipes: fetches the pinned packages (from the cache when it has them:
 * then no network request at all), extracts the kernel and the pvpanic modules (or builds them out
 * of tree), assembles the capture and main initramfs, and publishes the result in the cache under a
 * hash of everything that went in. A second build of the same inputs is a cache hit.
 */
public final class ImageBuilder implements ImageProvider {
  /** Bump when the layout of a built image changes, so old cache entries are not reused. */
  // 2: trigger modules, vmcore-dmesg; 3: out-of-tree modules built reproducibly (-ffile-prefix-map)
  static final String LAYOUT = "pvh-image-3";

  private final ImageRecipes recipes;
  private final DebianArchive archive;
  private final ContentStore store;
  private final Path lockFile;
  private final Path guestDir;
  private final Consumer<String> log;
  private final Map<String, GuestImage> built = new ConcurrentHashMap<>();

  /**
   * @param guestDir the folder holding the guest's {@code init} (images/guest)
   * @param log progress lines for people
   */
  public ImageBuilder(
      ImageRecipes recipes,
      DebianArchive archive,
      ContentStore store,
      Path lockFile,
      Path guestDir,
      Consumer<String> log) {
    this.recipes = recipes;
    this.archive = archive;
    this.store = store;
    this.lockFile = lockFile;
    this.guestDir = guestDir;
    this.log = log;
  }

  /** The image for {@code recipe}, built at most once per builder (and once per input hash). */
  @Override
  public GuestImage image(String recipe) {
    ImageRecipe r = recipes.get(recipe);
    synchronized (lockFor(recipe)) {
      GuestImage known = built.get(recipe);
      if (known != null && damage(known.manifest().getParent()).isEmpty()) {
        return known;
      }
      GuestImage image = build(r);
      built.put(recipe, image);
      return image;
    }
  }

  /**
   * What is wrong with a published image folder, if anything: a manifest that does not parse, or a
   * kernel or initramfs whose size or SHA-256 is not what the manifest recorded (disk corruption,
   * an interrupted copy, someone's edit). Hashed once per JVM for each version of each file.
   */
  public static Optional<String> damage(Path dir) {
    Map<?, ?> manifest;
    try {
      manifest = Json.MAPPER.readValue(dir.resolve("manifest.json").toFile(), Map.class);
    } catch (IOException e) {
      return Optional.of("unreadable manifest.json: " + e.getMessage());
    }
    for (String[] f : new String[][] {{"vmlinuz", "kernel"}, {"initrd.cpio.gz", "initrd"}}) {
      Object bytes = manifest.get(f[1] + "Bytes");
      Object sha = manifest.get(f[1] + "Sha256");
      if (!(bytes instanceof Number n) || sha == null) {
        return Optional.of("manifest.json records no size and SHA-256 of " + f[0]);
      }
      Optional<String> bad =
          ContentStore.mismatch(dir.resolve(f[0]), f[0], n.longValue(), String.valueOf(sha), true);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

  private static Object lockFor(String recipe) {
    return LOCKS.computeIfAbsent(recipe, k -> new Object());
  }

  /** The pins of a recipe: from the lock file, or resolved now (and written to the lock). */
  RecipePins pins(ImageRecipe r) {
    synchronized (ImageBuilder.class) {
      ImageLock lock = ImageLock.readOrEmpty(lockFile);
      if (UserKernels.isSource(r.name())) {
        return userKernelPins(r, lock);
      }
      Optional<RecipePins> pinned = lock.pins(r.name());
      if (pinned.isPresent()) {
        Optional<String> stale = pinned.get().staleFor(r);
        if (stale.isPresent()) {
          throw new RecipeException(stale.get() + " (lock: " + lockFile + ")");
        }
        return pinned.get();
      }
      log.accept("resolving " + r.name() + " against the Debian mirror (not in " + lockFile + ")");
      RecipePins pins = new RecipeResolver(archive).resolve(r);
      ImageLock.readOrEmpty(lockFile).with(r.name(), pins).write(lockFile);
      return pins;
    }
  }

  /**
   * A user's kernel comes from its file, and its userland is a recipe's: the pins of a locked
   * recipe of the same architecture and userland suite (the same busybox, kexec and vmcore-dmesg
   * the recipes' images carry). Never written to the lock: a user's path is no recipe.
   */
  private RecipePins userKernelPins(ImageRecipe r, ImageLock lock) {
    String arch = r.arch().debianArch();
    Optional<RecipePins> locked =
        lock.recipes().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(Map.Entry::getValue)
            .filter(p -> !p.userland().isEmpty())
            .filter(
                p ->
                    p.userland().stream()
                        .allMatch(
                            u -> u.arch().equals(arch) && u.suite().equals(r.userlandSuite())))
            .findFirst();
    if (locked.isPresent()) {
      return new RecipePins(List.of(), locked.get().userland(), List.of());
    }
    log.accept(
        "no locked recipe has a "
            + r.userlandSuite()
            + " "
            + arch
            + " userland: resolving it against the Debian mirror");
    return new RecipeResolver(archive).resolve(r);
  }

  GuestImage build(ImageRecipe r) {
    Instant start = Instant.now();
    RecipePins pins = pins(r);
    // a build folder's modules are installed now, into the cache: their bytes are in the key
    try (UserKernelInputs inputs = UserKernelInputs.of(r, store.root(), log).orElse(null)) {
      return build(r, pins, Optional.ofNullable(inputs), start);
    }
  }

  private GuestImage build(
      ImageRecipe r, RecipePins pins, Optional<UserKernelInputs> inputs, Instant start) {
    String key = inputHash(r, pins, inputs);
    Optional<Path> published = store.derived("image-" + key);
    Optional<String> damaged = published.flatMap(ImageBuilder::damage);
    if (damaged.isPresent()) {
      log.accept(
          "image "
              + r.name()
              + " in the cache is damaged ("
              + damaged.get()
              + "): removed, building it again");
      store.invalidateDerived("image-" + key);
      published = Optional.empty();
    }
    Path dir =
        published.orElseGet(
            () -> {
              log.accept("building image " + r.name() + " (" + key.substring(0, 12) + ")");
              return store.publishDerived("image-" + key, out -> assemble(r, pins, inputs, out));
            });
    try {
      Map<?, ?> manifest = Json.MAPPER.readValue(dir.resolve("manifest.json").toFile(), Map.class);
      log.accept(
          "image "
              + r.name()
              + " ready in "
              + Duration.between(start, Instant.now()).toMillis()
              + " ms: "
              + dir);
      return new GuestImage(
          r,
          dir.resolve("vmlinuz"),
          dir.resolve("initrd.cpio.gz"),
          dir.resolve("manifest.json"),
          String.valueOf(manifest.get("kernelRelease")),
          String.valueOf(manifest.get("driver")),
          key,
          PvpanicModules.imageFacts(manifest));
    } catch (IOException e) {
      throw new HarnessException("cannot read the manifest of image " + r.name() + " in " + dir, e);
    }
  }

  /** A hash of everything that goes into the image: any change makes a new one. */
  String inputHash(ImageRecipe r, RecipePins pins, Optional<UserKernelInputs> inputs) {
    try {
      Sha256.Running sum = Sha256.running().field(LAYOUT);
      // a user's kernel is named by its path; the key covers its bytes, wherever it lies
      String name = UserKernels.kind(r.name()).map(k -> "user-" + k).orElse(r.name());
      sum.field(name + "|" + r.arch() + "|" + r.pvpanic());
      for (LockedPackage p : pins.all()) {
        sum.field(p.name() + "|" + p.version() + "|" + p.sha256());
      }
      if (inputs.isPresent()) {
        inputs.get().hashInto(sum);
      } else if (r.kernel() instanceof LocalDeb d) {
        sum.field(Sha256.of(d.deb()));
      } else {
        sum.field("debian-kernel");
      }
      sum.file(guestDir.resolve("init"));
      Path oops = guestDir.resolve("oops");
      if (Files.isDirectory(oops)) {
        try (Stream<Path> files = Files.list(oops)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            sum.field("oops/" + f.getFileName()).file(f);
          }
        }
      }
      return sum.hex();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void assemble(ImageRecipe r, RecipePins pins, Optional<UserKernelInputs> inputs, Path out)
      throws IOException {
    Path work = Files.createTempDirectory("pvh-image-");
    try {
      Path kernelRoot = Files.createDirectories(work.resolve("kernel"));
      if (inputs.isPresent()) {
        inputs.get().copyInto(kernelRoot, ImageBuilder::kernelPath);
      } else {
        extractKernel(r, pins, kernelRoot);
      }
      KernelFiles kernel = KernelFiles.find(kernelRoot);
      Optional<dev.pvpanic.harness.machine.Architecture> imageArch =
          KernelImageFormat.of(kernel.image());
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
      Map<String, Object> driver = new LinkedHashMap<>();
      PvpanicModules pvpanicModules = new PvpanicModules(archive, log);
      List<PvpanicModules.ModuleFile> modules = pvpanicModules.of(r, pins, kernel, work, driver);

      Path userRoot = Files.createDirectories(work.resolve("userland"));
      for (LockedPackage p : pins.userland()) {
        DebFile.extract(archive.fetch(p), userRoot, path -> true);
      }
      Path busybox = firstExisting(userRoot, "bin/busybox", "usr/bin/busybox");
      String kexec =
          Files.exists(userRoot.resolve("sbin/kexec")) ? "/sbin/kexec" : "/usr/sbin/kexec";
      byte[] init = Files.readAllBytes(guestDir.resolve("init"));

      InitramfsBuilder capture = base(init, busybox);
      // the capture kernel reads the panicked kernel's log from /proc/vmcore (kexec-tools)
      String vmcoreDmesg =
          Files.exists(userRoot.resolve("sbin/vmcore-dmesg"))
              ? "/sbin/vmcore-dmesg"
              : "/usr/sbin/vmcore-dmesg";
      if (Files.exists(userRoot.resolve(vmcoreDmesg.substring(1)))) {
        SharedLibraryClosure.of(userRoot, vmcoreDmesg).addTo(capture);
        capture.file(vmcoreDmesg, userRoot.resolve(vmcoreDmesg.substring(1)), 0755);
      }
      Path capturePath = work.resolve("capture.cpio.gz");
      capture.write(capturePath);

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
      // Modules a trigger loads at run time, not at boot: /etc/pvh/extra/<name>.deps lists what
      // to insmod before /lib/modules/pvh/extra/<name>.ko (busybox insmod resolves nothing).
      Map<String, Object> triggerNotes = new LinkedHashMap<>();
      List<String> triggerModules = new java.util.ArrayList<>();
      Optional<List<PvpanicModules.ModuleFile>> watchdog =
          TriggerModules.withDependencies(kernel.modules(), TriggerModules.WATCHDOG, triggerNotes);
      if (watchdog.isPresent()) {
        addTriggerModule(main, TriggerModules.WATCHDOG, watchdog.get());
        triggerModules.add(TriggerModules.WATCHDOG);
      }
      Optional<KernelBuildTree> tree = inputs.flatMap(UserKernelInputs::tree);
      Optional<PvpanicModules.ModuleFile> oops =
          tree.isPresent()
              ? OopsModule.buildInTree(
                  tree.get(), work, guestDir.resolve("oops"), triggerNotes, log)
              : OopsModule.build(
                  pvpanicModules, pins, kernel, work, guestDir.resolve("oops"), triggerNotes, log);
      if (oops.isPresent()) {
        addTriggerModule(main, OopsModule.NAME, List.of(oops.get()));
        triggerModules.add(OopsModule.NAME);
      }
      main.file("/boot/vmlinuz", kernel.image(), 0644);
      main.file("/boot/capture.cpio.gz", capturePath, 0644);
      main.write(out.resolve("initrd.cpio.gz"));
      Files.copy(kernel.image(), out.resolve("vmlinuz"));

      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("recipe", r.name());
      manifest.put("arch", r.arch().id());
      manifest.put("kernelRelease", kernel.release());
      manifest.put("driver", driver.get("origin"));
      manifest.put("driverDetails", driver);
      manifest.put("modules", modules.stream().map(PvpanicModules.ModuleFile::name).toList());
      manifest.put("triggerModules", triggerModules);
      manifest.put("triggerModuleDetails", triggerNotes);
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
    } finally {
      deleteTree(work);
    }
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
  static String kernelSource(ImageRecipe r) {
    return UserKernels.kind(r.name())
        .orElse(r.kernel() instanceof DebianKernel ? "debian" : "local");
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

  private void extractKernel(ImageRecipe r, RecipePins pins, Path root) {
    if (r.kernel() instanceof LocalDeb d) {
      DebFile.extract(d.deb(), root, ImageBuilder::kernelPath);
    } else {
      for (LockedPackage p : pins.kernel()) {
        DebFile.extract(archive.fetch(p), root, ImageBuilder::kernelPath);
      }
    }
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

  private static Path firstExisting(Path root, String... candidates) {
    for (String c : candidates) {
      if (Files.exists(root.resolve(c))) {
        return root.resolve(c);
      }
    }
    throw new HarnessException("none of " + List.of(candidates) + " in " + root);
  }

  static void deleteTree(Path dir) {
    if (dir != null) {
      FileUtils.deleteQuietly(dir.toFile());
    }
  }
}
