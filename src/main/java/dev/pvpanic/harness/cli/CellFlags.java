package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.QemuBuilds;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The flags that describe one cell on the command line. Each value goes through {@link
 * Axis#normalise}, so what is valid, and the message when it is not, are those of a guest config.
 */
final class CellFlags {
  @Option(names = "--recipe", paramLabel = "NAME", description = "image recipe, e.g. x86_64-6.12")
  String recipe;

  @Option(
      names = "--arch",
      paramLabel = "ARCH",
      description = "x86_64, aarch64 or riscv64 (with --kernel)")
  String arch;

  @Option(
      names = "--kernel",
      paramLabel = "VERSION|deb:FILE|build:DIR|files:...",
      description =
          "kernel series of a recipe, e.g. 6.12 (with --arch); or your own kernel:"
              + " deb:/path/linux-image-….deb (a kernel package file), build:DIR (a Linux build"
              + " folder, in-tree or O=), files:kernel=IMAGE,config=FILE[,modules=DIR]; --arch, if"
              + " given, must match it")
  String kernel;

  @Option(names = "--kdump", description = "load the capture kernel before the panic")
  boolean kdump;

  @Option(
      names = "--post-notifiers",
      paramLabel = "off|cmdline|runtime",
      description = "crash_kexec_post_notifiers: off, on the command line, or set at run time")
  String postNotifiers;

  @Option(names = "--device", paramLabel = "none|isa|pci", description = "pvpanic device")
  String device;

  @Option(names = "--events", paramLabel = "N", description = "the device's events= mask, 0-7")
  String events;

  @Option(
      names = "--action",
      paramLabel = "panic=A[,shutdown=B]",
      description =
          "QEMU -action: panic=default|pause|none|shutdown|exit-failure,"
              + " shutdown=default|poweroff|pause")
  String action;

  @Option(
      names = "--trigger",
      paramLabel = "TRIGGER",
      completionCandidates = TriggerIds.class,
      description = "what the guest does: ${COMPLETION-CANDIDATES}")
  String trigger;

  /** The trigger ids, from the triggers on the class path (help and completion list them). */
  static final class TriggerIds implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return dev.pvpanic.harness.oracle.Trigger.ids().iterator();
    }
  }

  @Option(
      names = "--watchdog",
      paramLabel = "reset|shutdown|poweroff|pause|debug|none|inject-nmi",
      description = "QEMU -action watchdog= for --trigger watchdog (default: QEMU's, reset)")
  String watchdog;

  @Option(names = "--acpi-off", description = "boot the guest with acpi=off")
  boolean acpiOff;

  @Option(
      names = "--userland",
      paramLabel = "minimal|debian",
      description =
          "what runs above the kernel: the busybox initramfs (minimal, default) or a Debian"
              + " system on a disk with systemd, udev and kdump-tools (debian)")
  String userland;

  @Option(
      names = "--recover",
      description =
          "after the verdict: QMP system_reset then cont, the guest must boot to READY again and"
              + " the events of that path are checked (QEMU must stay up: panic=pause or none)")
  boolean recover;

  @Option(
      names = "--dump",
      description =
          "after the verdict: every vCPU's registers and dump-guest-memory (ELF, checked, and"
              + " kdump-zlib, kept) into the artifacts (QEMU must stay up: panic=pause or none)")
  boolean dump;

  @Option(names = "--machine-type", paramLabel = "TYPE", description = "e.g. pc-q35-5.1")
  String machineType;

  @Option(names = "--accel", paramLabel = "tcg|kvm|auto", description = "accelerator")
  String accel;

  @Option(
      names = "--qemu",
      paramLabel = "BUILD",
      description =
          "the QEMU build (the qemu axis): host, debian:<x.y>, debian:<suite>[=<version>],"
              + " prefix:DIR, build:DIR (a relative DIR is taken from the current folder),"
              + " container:IMAGE")
  String qemu;

  @Option(
      names = "--kernel-arg",
      paramLabel = "PARAM",
      description =
          "a kernel parameter to append, as a bug report gives it (repeatable); the oracle never"
              + " reads it")
  List<String> kernelArgs = new ArrayList<>();

  @Option(
      names = "--qemu-arg",
      paramLabel = "ARG",
      description =
          "a QEMU argument to append (repeatable, e.g. --qemu-arg=-global"
              + " --qemu-arg=pvpanic-pci.events=1); the oracle never reads it")
  List<String> qemuArgs = new ArrayList<>();

  /** True when any flag was given. */
  boolean any() {
    return recipe != null
        || arch != null
        || kernel != null
        || kdump
        || postNotifiers != null
        || device != null
        || events != null
        || action != null
        || trigger != null
        || watchdog != null
        || acpiOff
        || userland != null
        || recover
        || dump
        || machineType != null
        || accel != null
        || qemu != null
        || !kernelArgs.isEmpty()
        || !qemuArgs.isEmpty();
  }

  /**
   * The cell these flags describe; an invalid value is a usage error naming the valid ones. Typed
   * paths are taken from {@code settings}' user folder; qemu_args that undo the confinement are
   * taken only under its {@code pvh.allow-unconfined}.
   */
  Cell toCell(ImageRecipes recipes, Settings settings) {
    String name =
        RecipeChoice.resolve(
            recipes,
            Optional.ofNullable(recipe),
            Optional.ofNullable(arch),
            Optional.ofNullable(kernel),
            settings::userPath);
    Map<Axis, String> v = new EnumMap<>(Axis.class);
    v.put(Axis.RECIPE, name);
    if (kdump) {
      v.put(Axis.KDUMP, "yes");
    }
    put(v, Axis.POST_NOTIFIERS, postNotifiers, "--post-notifiers");
    put(v, Axis.DEVICE, device, "--device");
    put(v, Axis.EVENTS, events, "--events");
    put(v, Axis.TRIGGER, trigger, "--trigger");
    put(v, Axis.WATCHDOG, watchdog, "--watchdog");
    put(v, Axis.USERLAND, userland, "--userland");
    if (acpiOff) {
      v.put(Axis.ACPI, "off");
    }
    if (recover && dump) {
      throw new UsageException("--recover and --dump: choose one (the dump needs the panicked VM)");
    }
    if (recover) {
      v.put(Axis.AFTER, "recover");
    }
    if (dump) {
      v.put(Axis.AFTER, "dump");
    }
    put(v, Axis.MACHINE_TYPE, machineType, "--machine-type");
    put(v, Axis.ACCELERATOR, accel, "--accel");
    if (qemu != null) {
      v.put(Axis.QEMU, qemuBuild(Axis.QEMU.normalise(qemu, "--qemu"), settings::userPath));
    }
    if (!kernelArgs.isEmpty()) {
      put(v, Axis.KERNEL_ARGS, String.join(" ", kernelArgs), "--kernel-arg");
    }
    if (!qemuArgs.isEmpty()) {
      put(v, Axis.QEMU_ARGS, String.join(" ", qemuArgs), "--qemu-arg");
    }
    if (action != null) {
      actions(action).forEach((axis, value) -> v.put(axis, value));
    }
    Cell cell = new Cell(Optional.empty(), v);
    cell.refusal(settings.allowUnconfined())
        .ifPresent(
            why -> {
              throw new UsageException("the flags describe a cell that cannot be: " + why);
            });
    checkDevice(cell, recipes.get(name));
    return cell;
  }

  private static void put(Map<Axis, String> v, Axis axis, String raw, String flag) {
    if (raw != null) {
      v.put(axis, axis.normalise(raw, flag));
    }
  }

  /**
   * A {@code --qemu} value as the axis takes it: the kinds {@link QemuBuilds} knows, and a folder
   * of {@code prefix:} or {@code build:} made absolute from where the person typed it (a config
   * takes it from its own folder). Whether the build exists is the plan's to say, as for a config.
   */
  static String qemuBuild(String value, Function<String, Path> userPath) {
    int colon = value.indexOf(':');
    String kind = colon < 0 ? value : value.substring(0, colon);
    if (!value.equals("host") && !QemuBuilds.KINDS.contains(kind)) {
      throw new UsageException(
          "--qemu: unknown QEMU build '" + value + "'; valid: " + QemuBuilds.VALID);
    }
    String rest = colon < 0 ? "" : value.substring(colon + 1);
    if ((kind.equals("prefix") || kind.equals("build")) && !rest.isBlank()) {
      return kind + ":" + userPath.apply(rest).toAbsolutePath().normalize();
    }
    return value;
  }

  /** {@code panic=none,shutdown=pause} as axis values. */
  static Map<Axis, String> actions(String text) {
    Map<Axis, String> out = new EnumMap<>(Axis.class);
    for (String item : text.split(",", -1)) {
      String[] kv = item.strip().split("=", 2);
      Optional<Axis> axis =
          kv.length == 2
              ? Optional.of(kv[0].strip().toLowerCase(Locale.ROOT))
                  .filter(k -> k.equals("panic") || k.equals("shutdown"))
                  .flatMap(Axis::byKey)
              : Optional.empty();
      if (axis.isEmpty()) {
        throw new UsageException(
            "--action: '"
                + item.strip()
                + "' is not KEY=VALUE with KEY panic or shutdown (e.g. panic=none,shutdown=pause)");
      }
      if (out.put(axis.get(), axis.get().normalise(kv[1], "--action " + kv[0].strip())) != null) {
        throw new UsageException("--action: '" + kv[0].strip() + "' given twice in '" + text + "'");
      }
    }
    return out;
  }

  /** The ISA device exists only on x86_64: say so now rather than when QEMU refuses to start. */
  private static void checkDevice(Cell cell, ImageRecipe recipe) {
    if (cell.get(Axis.DEVICE).equals("isa") && recipe.arch() != Architecture.X86_64) {
      throw new UsageException(
          "--device isa: the ISA pvpanic device exists only on x86_64, and recipe "
              + recipe.name()
              + " is "
              + recipe.arch()
              + "; valid here: none, pci");
    }
  }
}
