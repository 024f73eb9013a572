package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which accelerator a machine really gets. A present {@code /dev/kvm} is not proof that KVM
 * runs guests: under nested virtualisation QEMU may enable KVM and the Linux guest then hangs or
 * stops with "emulation failure". So {@link Accelerator#AUTO} boots the machine's own guest under
 * KVM once (per QEMU build, architecture and kernel) and uses KVM only when it reaches the guest's
 * READY line; otherwise it falls back to TCG and says why.
 */
public final class AcceleratorSelector {
  private static final Logger LOG = LoggerFactory.getLogger(AcceleratorSelector.class);
  static final Path DEV_KVM = Path.of("/dev/kvm");
  private static final Pattern READY = Pattern.compile("^PVH READY ");
  private static final Pattern BROKEN = Pattern.compile("Kernel panic|emulation failure");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(45);
  // Per JVM, not per session: whether KVM boots a guest is a fact of this host and this build.
  private static final Map<String, Optional<String>> PROBES = new ConcurrentHashMap<>();

  private AcceleratorSelector() {}

  public static AcceleratorDecision decide(MachineSpec spec) {
    AcceleratorDecision d = decideOnce(spec);
    LOG.debug(
        "{}: accelerator {} asked, {} used ({})", spec.name(), d.requested(), d.used(), d.reason());
    return d;
  }

  private static AcceleratorDecision decideOnce(MachineSpec spec) {
    return switch (spec.accelerator()) {
      case TCG -> AcceleratorDecision.asked(Accelerator.TCG);
      case KVM -> {
        staticProblem(spec.arch())
            .ifPresent(
                p -> {
                  throw new MachineException("KVM was asked for but cannot be used: " + p);
                });
        yield AcceleratorDecision.asked(Accelerator.KVM);
      }
      case AUTO -> {
        Optional<String> problem = staticProblem(spec.arch()).or(() -> probe(spec));
        yield problem
            .map(p -> new AcceleratorDecision(Accelerator.AUTO, Accelerator.TCG, p))
            .orElseGet(
                () ->
                    new AcceleratorDecision(
                        Accelerator.AUTO, Accelerator.KVM, "a guest booted under KVM"));
      }
    };
  }

  /** Why KVM can't even be tried for {@code arch} on this host, if it can't. */
  public static Optional<String> staticProblem(Architecture arch) {
    Optional<Architecture> host = Architecture.host();
    if (host.isEmpty() || host.get() != arch) {
      return Optional.of(
          "KVM runs only guests of the host's architecture (host "
              + Settings.hostArch()
              + ", guest "
              + arch
              + ")");
    }
    if (!Files.exists(DEV_KVM)) {
      return Optional.of("/dev/kvm does not exist");
    }
    if (!Files.isReadable(DEV_KVM) || !Files.isWritable(DEV_KVM)) {
      return Optional.of("/dev/kvm is not readable and writable for this user");
    }
    return Optional.empty();
  }

  private static Optional<String> probe(MachineSpec spec) {
    if (spec.kernel().isEmpty()) {
      return Optional.of("no guest kernel to prove that KVM runs guests here");
    }
    // the whole build: the same binary name can be the host's QEMU or a container's
    String key = spec.qemu() + "|" + spec.arch() + "|" + spec.kernel().get();
    return PROBES.computeIfAbsent(key, k -> bootUnderKvm(spec));
  }

  private static Optional<String> bootUnderKvm(MachineSpec spec) {
    MachineSpec probe =
        spec.toBuilder()
            .name("kvm-probe")
            .accelerator(Accelerator.KVM)
            .artifactsDir(null)
            .pvpanic(PvpanicDevice.NONE)
            .actions(QemuActions.DEFAULT)
            .build();
    try (QemuMachine m = QemuMachine.launch(probe, AcceleratorDecision.asked(Accelerator.KVM))) {
      m.console().expectLine("the guest's READY line under KVM", READY, BROKEN, PROBE_TIMEOUT);
      return Optional.empty();
    } catch (RuntimeException e) {
      String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return Optional.of("a guest did not boot under KVM (" + first + ")");
    }
  }

  /** Forgets probe results (tests). */
  static void forgetProbes() {
    PROBES.clear();
  }
}
