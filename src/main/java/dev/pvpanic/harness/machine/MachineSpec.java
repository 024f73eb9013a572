package dev.pvpanic.harness.machine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one QEMU process is made from. Immutable; {@link #builder(Architecture)} makes one and
 * {@link #toBuilder()} derives a variant. Validation happens here, before anything starts.
 *
 * @param incoming a saved machine state (a QEMU migration stream in a file) to start from instead
 *     of booting: QEMU gets {@code -incoming defer} and the file is handed over on QMP (see {@link
 *     SavedState#startIncoming}). The rest of the spec must describe the same machine the state was
 *     saved from, except {@code actions}, which are not part of the migrated state.
 * @param confine whether QEMU is confined ({@link QemuConfinement}); only the probe that asks a
 *     build what it can do runs unconfined
 */
public record MachineSpec(
    String name,
    Architecture arch,
    QemuBuild qemu,
    Accelerator accelerator,
    int memoryMb,
    int cpus,
    Optional<Path> kernel,
    Optional<Path> initrd,
    Optional<Path> disk,
    Optional<String> append,
    PvpanicDevice pvpanic,
    QemuActions actions,
    Optional<String> machineType,
    Optional<String> cpu,
    List<String> extraArgs,
    Optional<Path> artifactsDir,
    Optional<Path> incoming,
    Duration startTimeout,
    boolean confine) {

  public MachineSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(qemu, "qemu");
    Objects.requireNonNull(accelerator, "accelerator");
    extraArgs = List.copyOf(extraArgs);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "machine name '" + name + "' must be 1-64 characters of letters, digits, '.', '_', '-'");
    }
    if (memoryMb < 64 || memoryMb > 65536) {
      throw new IllegalArgumentException(
          "memory " + memoryMb + " MiB out of range; valid: 64..65536");
    }
    if (cpus < 1 || cpus > 64) {
      throw new IllegalArgumentException("cpus " + cpus + " out of range; valid: 1..64");
    }
    if (pvpanic.kind() == PvpanicDevice.Kind.ISA && arch != Architecture.X86_64) {
      throw new IllegalArgumentException(
          "the ISA pvpanic device exists only on x86_64; use pvpanic device 'pci' on " + arch);
    }
    if (initrd.isPresent() && kernel.isEmpty()) {
      throw new IllegalArgumentException("an initrd needs a kernel");
    }
    if (append.isPresent() && kernel.isEmpty()) {
      throw new IllegalArgumentException("a kernel command line needs a kernel");
    }
    for (Optional<Path> file : List.of(kernel, initrd, disk, incoming)) {
      file.ifPresent(
          p -> {
            if (!Files.isRegularFile(p)) {
              throw new IllegalArgumentException("no such file: " + p);
            }
          });
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  public static Builder builder(Architecture arch) {
    return new Builder(arch);
  }

  /** The memory a machine of {@code arch} gets unless told otherwise, in MiB. */
  public static int defaultMemoryMb(Architecture arch) {
    return arch == Architecture.X86_64 ? 1024 : 512;
  }

  public Builder toBuilder() {
    Builder b = new Builder(arch);
    b.name = name;
    b.qemu = qemu;
    b.accelerator = accelerator;
    b.memoryMb = memoryMb;
    b.cpus = cpus;
    b.kernel = kernel;
    b.initrd = initrd;
    b.disk = disk;
    b.append = append;
    b.pvpanic = pvpanic;
    b.actions = actions;
    b.machineType = machineType;
    b.cpu = cpu;
    b.extraArgs = new ArrayList<>(extraArgs);
    b.artifactsDir = artifactsDir;
    b.incoming = incoming;
    b.startTimeout = startTimeout;
    b.confine = confine;
    return b;
  }

  /** The machine type QEMU gets: the override, else the architecture's default. */
  public String effectiveMachineType() {
    return machineType.orElse(arch.defaultMachineType());
  }

  /** Builds a {@link MachineSpec}; defaults: TCG, 1 GiB (x86_64) or 512 MiB (aarch64), 1 CPU. */
  public static final class Builder {
    private final Architecture arch;
    private String name = "vm";
    private QemuBuild qemu;
    private Accelerator accelerator = Accelerator.TCG;
    private int memoryMb;
    private int cpus = 1;
    private Optional<Path> kernel = Optional.empty();
    private Optional<Path> initrd = Optional.empty();
    private Optional<Path> disk = Optional.empty();
    private Optional<String> append = Optional.empty();
    private PvpanicDevice pvpanic = PvpanicDevice.NONE;
    private QemuActions actions = QemuActions.DEFAULT;
    private Optional<String> machineType = Optional.empty();
    private Optional<String> cpu = Optional.empty();
    private List<String> extraArgs = new ArrayList<>();
    private Optional<Path> artifactsDir = Optional.empty();
    private Optional<Path> incoming = Optional.empty();
    private Duration startTimeout = Duration.ofSeconds(30);
    private boolean confine = true;

    private Builder(Architecture arch) {
      this.arch = Objects.requireNonNull(arch, "arch");
      this.qemu = QemuBuild.host(arch);
      this.memoryMb = defaultMemoryMb(arch);
    }

    public Builder name(String v) {
      name = v;
      return this;
    }

    public Builder qemu(QemuBuild v) {
      qemu = v;
      return this;
    }

    public Builder accelerator(Accelerator v) {
      accelerator = v;
      return this;
    }

    public Builder memoryMb(int v) {
      memoryMb = v;
      return this;
    }

    public Builder cpus(int v) {
      cpus = v;
      return this;
    }

    public Builder kernel(Path v) {
      kernel = Optional.of(v);
      return this;
    }

    public Builder initrd(Path v) {
      initrd = Optional.of(v);
      return this;
    }

    /**
     * A disk QEMU reads and never writes: the guest's writes go to a throw-away overlay in the run
     * folder ({@code snapshot=on}), so every machine starts from the same bytes.
     */
    public Builder disk(Path v) {
      disk = Optional.of(v);
      return this;
    }

    public Builder append(String v) {
      append = Optional.of(v);
      return this;
    }

    public Builder pvpanic(PvpanicDevice v) {
      pvpanic = v;
      return this;
    }

    public Builder actions(QemuActions v) {
      actions = v;
      return this;
    }

    public Builder machineType(String v) {
      machineType = Optional.ofNullable(v);
      return this;
    }

    public Builder cpu(String v) {
      cpu = Optional.ofNullable(v);
      return this;
    }

    public Builder extraArgs(List<String> v) {
      extraArgs = new ArrayList<>(v);
      return this;
    }

    public Builder artifactsDir(Path v) {
      artifactsDir = Optional.ofNullable(v);
      return this;
    }

    /** Start from this saved state (see {@link MachineSpec#incoming()}); null boots normally. */
    public Builder incoming(Path v) {
      incoming = Optional.ofNullable(v);
      return this;
    }

    public Builder startTimeout(Duration v) {
      startTimeout = v;
      return this;
    }

    /** Confine QEMU (the default), or not: only for the probe that asks a build about itself. */
    public Builder confine(boolean v) {
      confine = v;
      return this;
    }

    public MachineSpec build() {
      return new MachineSpec(
          name,
          arch,
          qemu,
          accelerator,
          memoryMb,
          cpus,
          kernel,
          initrd,
          disk,
          append,
          pvpanic,
          actions,
          machineType,
          cpu,
          extraArgs,
          artifactsDir,
          incoming,
          startTimeout,
          confine);
    }
  }
}
