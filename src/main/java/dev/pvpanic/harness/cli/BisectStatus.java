package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.Verdict;

/**
 * {@code run --bisect}: a cell's verdict as {@code git bisect run} reads an exit code (0 good, 1 to
 * 124 bad, 125 this commit cannot be judged, 128 and up abort the bisect).
 *
 * <ul>
 *   <li>PASS is good.
 *   <li>A finding about the kernel is bad: wrong events or guest state, a panic in the wrong place,
 *       a capture kernel that never reported its dump, and QEMU crashing (the QEMU is the constant
 *       of a kernel bisect: what makes it crash differs only by the kernel).
 *   <li>A TIMEOUT is bad once the guest had spoken the protocol (READY): it then hung in the path
 *       under test. A timeout before READY says nothing about that path (the kernel did not boot to
 *       the harness's init for a reason of its own, or the host was too slow): skip.
 *   <li>Cannot judge, skip: the tree did not build ({@code --make}), an infrastructure error, a
 *       cell that does not apply, and any usage error (a bad flag, a tree the harness refuses) that
 *       would otherwise read as exit 2, "bad", and send the bisect the wrong way.
 * </ul>
 */
enum BisectStatus {
  GOOD(0),
  BAD(1),
  SKIP(125);

  private final int code;

  BisectStatus(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }

  static BisectStatus of(CellResult result) {
    return of(result.verdict(), result.guest().isPresent());
  }

  /**
   * @param guestReady whether the guest printed its READY line before the cell ended
   */
  static BisectStatus of(Verdict verdict, boolean guestReady) {
    return switch (verdict) {
      case PASS -> GOOD;
      case WRONG_GUEST_STATE, WRONG_EVENTS, UNEXPECTED_PANIC, CAPTURE_FAILED, QEMU_CRASHED -> BAD;
      case TIMEOUT -> guestReady ? BAD : SKIP;
      case INFRASTRUCTURE_ERROR, NOT_APPLICABLE -> SKIP;
      // the command then exits 130 (Main), which makes git bisect run abort, as a Ctrl-C should
      case INTERRUPTED -> SKIP;
    };
  }
}
