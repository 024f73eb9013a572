package dev.pvpanic.harness.report;

import dev.pvpanic.harness.cell.Verdict;

/**
 * How a verdict looks in a report: a short word for the grid (colour is never the only sign), a CSS
 * class, a Markdown emoji, and what it means for the legend.
 */
record VerdictStyle(String cssClass, String shortWord, String emoji, String meaning) {

  static VerdictStyle of(Verdict v) {
    return switch (v) {
      case PASS -> new VerdictStyle("pass", "PASS", "✅", "events and final state as expected");
      case WRONG_GUEST_STATE ->
          new VerdictStyle(
              "fail",
              "GUEST",
              "🚫",
              "the guest's driver, capability or kdump state before the trigger is wrong (see diff)");
      case WRONG_EVENTS ->
          new VerdictStyle("fail", "WRONG", "❌", "QMP events or final state differ (see diff)");
      case UNEXPECTED_PANIC ->
          new VerdictStyle("fail", "PANIC", "💥", "the guest panicked while booting or arming");
      case QEMU_CRASHED ->
          new VerdictStyle(
              "fail", "CRASH", "🧨", "QEMU died of SIGSEGV, SIGABRT, ...: the build under test");
      case CAPTURE_FAILED ->
          new VerdictStyle(
              "fail",
              "KDUMP",
              "🪂",
              "kdump's capture kernel never printed VMCORE (never started, panicked, or hung)");
      case TIMEOUT ->
          new VerdictStyle("timeout", "TIMEOUT", "⏱️", "something awaited never happened");
      case INFRASTRUCTURE_ERROR ->
          new VerdictStyle("infra", "INFRA", "🔧", "the harness could not run the cell");
      case INTERRUPTED ->
          new VerdictStyle("infra", "STOP", "⏹️", "the run was interrupted before its verdict");
      case NOT_APPLICABLE ->
          new VerdictStyle("na", "N/A", "➖", "not applicable to this guest, or skipped");
    };
  }

  /** Problems first, then passes, then cells that did not apply: the order a person reads in. */
  static int readingRank(Verdict v) {
    return switch (v) {
      case WRONG_GUEST_STATE,
          WRONG_EVENTS,
          UNEXPECTED_PANIC,
          QEMU_CRASHED,
          CAPTURE_FAILED,
          TIMEOUT,
          INFRASTRUCTURE_ERROR,
          INTERRUPTED ->
          0;
      case PASS -> 1;
      case NOT_APPLICABLE -> 2;
    };
  }
}
