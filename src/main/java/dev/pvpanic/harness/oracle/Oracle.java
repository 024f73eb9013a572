package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Predicts the exact QMP events and final state of one cell from rules about the guest kernel
 * ({@link LinuxRules}) and QEMU ({@link QemuRules}), never from recorded runs: the cell's trigger
 * states its rule ({@link Trigger#predict}) in the shared vocabulary of {@link Prediction}. Pure:
 * no I/O, no state.
 */
public final class Oracle {
  /** The most RESET events one reboot gives on any architecture (x86's SeaBIOS, see QemuRules). */
  public static final int MOST_RESETS_PER_REBOOT = QemuRules.X86_REBOOT_RESETS;

  private Oracle() {}

  /**
   * The text {@code panic()} is given when the cell's trigger panics its guest (printed as "Kernel
   * panic - not syncing: <text>"); empty when it does not panic.
   */
  public static Optional<String> panicMessage(CellSetup setup) {
    return setup.trigger().panicMessage(setup);
  }

  /**
   * Whether the cell's trigger can run on this image (it brings the modules the trigger loads);
   * decided from the image's manifest before the guest boots.
   */
  public static Applicability applicability(CellSetup setup, ImageFacts image) {
    return Applicability.ofImage(setup, image);
  }

  /** Whether the cell can exist with this QEMU; the matrix leaves it out with the reason if not. */
  public static Applicability applicability(CellSetup setup, QemuCapabilities qemu) {
    return Applicability.of(setup, qemu);
  }

  /**
   * The expected outcome of one cell, from declared inputs alone: the cell's setup, the image's
   * manifest and the QEMU build. {@code report} (what the guest printed) is read only for a fact
   * the image does not declare, and the expectation then says it went by the guest; every other
   * reported fact is an observation {@link OutcomeComparison} checks.
   *
   * @throws CellNotApplicableException when {@link #applicability} says the cell cannot exist
   */
  public static ExpectedOutcome expect(
      CellSetup declared, ImageFacts image, QemuCapabilities qemu, GuestReport report) {
    CellSetup setup = image.services().effective(declared);
    GuestExpectation guest = GuestExpectation.derive(setup, image, qemu, report);
    ExpectedOutcome events = expect(setup, guest.facts(), qemu);
    List<String> reasoning = new ArrayList<>(qemu.notes());
    reasoning.addAll(guest.reasoning());
    reasoning.addAll(events.reasoning());
    return new ExpectedOutcome(
        events.events(),
        events.finalState(),
        events.captureKernelRuns(),
        reasoning,
        Optional.of(guest),
        events.dumpLogHolds());
  }

  /**
   * The events and final state for a guest whose facts are already derived.
   *
   * @throws CellNotApplicableException when {@link #applicability} says the cell cannot exist
   */
  public static ExpectedOutcome expect(CellSetup setup, GuestFacts guest, QemuCapabilities qemu) {
    if (applicability(setup, qemu) instanceof Applicability.NotApplicable notApplicable) {
      throw new CellNotApplicableException(
          "no expectation for a cell that cannot run with QEMU "
              + qemu.version()
              + ": "
              + notApplicable.reason());
    }
    Prediction prediction = new Prediction(setup, guest, qemu);
    setup.trigger().predict(prediction);
    Optional<String> dumpLogHolds = Optional.empty();
    if (prediction.captureKernelRunsPredicted()) {
      dumpLogHolds = setup.trigger().panicMessage(setup);
      dumpLogHolds.ifPresent(
          m ->
              prediction.because(
                  "the capture kernel reads the panicked kernel's log from /proc/vmcore"
                      + " (vmcore-dmesg): it holds the panic '"
                      + m
                      + "'"));
    }
    return prediction.outcome(dumpLogHolds);
  }
}
