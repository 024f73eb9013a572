package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.cell.Verdict;

/**
 * The command line's exit codes: 0 every cell passed, 1 a cell failed (a wrong guest state, wrong
 * events, a panic in the wrong place, a timeout), 2 the command was wrong (bad flag, unknown recipe
 * or axis value; found before any guest boots), 3 the harness could not run a cell (QEMU missing or
 * dead, an image that would not build), 130 the run was interrupted (Ctrl-C) before every cell had
 * its verdict.
 */
public enum ExitStatus {
  PASS(0),
  FAIL(1),
  USAGE(2),
  INFRASTRUCTURE(3),
  INTERRUPTED(dev.pvpanic.harness.Interruption.EXIT);

  private final int code;

  ExitStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** A cell's verdict as an exit status; a cell that does not apply here verifies nothing. */
  public static ExitStatus of(Verdict verdict) {
    return switch (verdict) {
      case PASS, NOT_APPLICABLE -> PASS;
      case WRONG_GUEST_STATE,
          WRONG_EVENTS,
          UNEXPECTED_PANIC,
          QEMU_CRASHED,
          CAPTURE_FAILED,
          TIMEOUT ->
          FAIL;
      case INFRASTRUCTURE_ERROR -> INFRASTRUCTURE;
      case INTERRUPTED -> INTERRUPTED;
    };
  }

  /**
   * The worse of two: the higher code. An infrastructure error outranks a failure because a matrix
   * that could not run all its cells says less than one that ran them.
   */
  public ExitStatus worse(ExitStatus other) {
    return other.code > code ? other : this;
  }
}
