package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.oracle.ExpectedOutcome;
import dev.pvpanic.harness.oracle.ObservedOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one cell did: the verdict and everything behind it. {@link #assertPassed()} turns it into
 * the matching test outcome (failure, timeout error, infrastructure error).
 *
 * @param message one paragraph for people: the diff, what a timeout awaited and the console tail,
 *     or what broke
 * @param phases how long each phase took, in order: {@code snapshot} (this cell made or waited for
 *     its snapshot), {@code prepare}, {@code start} (QEMU up, QMP and console connected), {@code
 *     boot} or {@code restore}, {@code arm}, {@code trigger} (until the first sign it took effect),
 *     {@code capture} (until the capture kernel's VMCORE line, when it runs), {@code collect}
 *     (until every expected event and the proof nothing more comes), {@code judge}, {@code
 *     teardown}; {@code fallback} is a restore that failed before a cold boot
 * @param start whether the guest was restored from a snapshot or booted, and why
 * @param qemuPeakKb QEMU's peak resident memory (VmHWM) sampled last before it closed or exited
 */
public record CellResult(
    Cell cell,
    Verdict verdict,
    String message,
    Optional<ExpectedOutcome> expected,
    Optional<ObservedOutcome> observed,
    Map<String, Duration> phases,
    Duration total,
    String qemuVersion,
    String accelerator,
    Optional<GuestProtocol.ReadyLine> guest,
    Path artifacts,
    Optional<Throwable> failure,
    CellStart start,
    OptionalLong qemuPeakKb) {

  public CellResult {
    phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  public boolean passed() {
    return verdict == Verdict.PASS;
  }

  /**
   * Returns normally for PASS; throws {@link WrongEventsError} (a failure), {@link
   * CellTimeoutException} or {@link InfrastructureException} (errors) otherwise, its message
   * starting with the verdict's name and a colon. NOT_APPLICABLE cells are the caller's to skip
   * before this.
   */
  public void assertPassed() {
    // the verdict first: Allure's categories (categories.json) sort failures by it
    String where = verdict + ": " + message + "\n\nartifacts: " + artifacts.toAbsolutePath();
    switch (verdict) {
      case PASS, NOT_APPLICABLE -> {}
      case WRONG_GUEST_STATE, WRONG_EVENTS, UNEXPECTED_PANIC, QEMU_CRASHED, CAPTURE_FAILED ->
          throw new WrongEventsError(where);
      case TIMEOUT -> throw new CellTimeoutException(where, failure.orElse(null));
      case INFRASTRUCTURE_ERROR, INTERRUPTED ->
          throw new InfrastructureException(where, failure.orElse(null));
    }
  }
}
