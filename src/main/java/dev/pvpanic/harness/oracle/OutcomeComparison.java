package dev.pvpanic.harness.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares what a cell showed with what the oracle expected. Every event counts: nothing is ignored
 * (a RESUME or an extra STOP is unexpected), and event data must be equal exactly, with no extra
 * keys, because a new key in GUEST_PANICKED (e.g. {@code info}, which pvpanic never sends) is
 * exactly what a QEMU CI run should notice.
 */
public final class OutcomeComparison {
  private static final String NO_EVENTS = "(no events)";
  private static final String MISSING = "(missing)";
  private static final String UNEXPECTED = "(unexpected)";

  private OutcomeComparison() {}

  public static Comparison compare(ExpectedOutcome expected, ObservedOutcome actual) {
    List<EventAlignment.Line> lines = EventAlignment.align(expected.events(), actual.events());
    boolean eventsMatch =
        lines.stream()
            .allMatch(
                l ->
                    l.mark() == EventAlignment.Mark.SAME
                        || l.mark() == EventAlignment.Mark.REPEATED);
    boolean finalMatches = expected.finalState().equals(actual.finalState());
    boolean captureMatches = expected.captureKernelRuns() == actual.vmcoreSeen();
    boolean dumpLogMatches = dumpLogLine(expected, actual).map(l -> !l.differs()).orElse(true);
    boolean bootMatches = bootLine(expected, actual).map(l -> !l.differs()).orElse(true);
    List<GuestFactCheck> guest = guestChecks(expected, actual);
    boolean guestMatches = guest.stream().allMatch(GuestFactCheck::matches);
    boolean outcomeMatches =
        eventsMatch && finalMatches && captureMatches && dumpLogMatches && bootMatches;
    return new Comparison(
        guestMatches,
        outcomeMatches,
        structured(expected, actual, guest, lines),
        render(expected, actual, guest, lines, guestMatches && outcomeMatches));
  }

  private static List<DiffLine> structured(
      ExpectedOutcome expected,
      ObservedOutcome actual,
      List<GuestFactCheck> guest,
      List<EventAlignment.Line> lines) {
    List<DiffLine> out = new ArrayList<>();
    for (GuestFactCheck g : guest) {
      String mark = g.goingByGuest().isPresent() ? "?" : g.matches() ? "=" : "!";
      out.add(new DiffLine(mark, "guest: " + g.fact(), g.expected(), g.actual()));
    }
    for (EventAlignment.Line l : lines) {
      out.add(new DiffLine(l.mark().symbol(), "event", expectedText(l), actualText(l)));
    }
    boolean finalSame = expected.finalState().equals(actual.finalState());
    out.add(
        new DiffLine(
            finalSame ? "=" : "!",
            "final",
            expected.finalState().describe(),
            actual.finalState().describe()));
    out.add(
        new DiffLine(
            expected.captureKernelRuns() == actual.vmcoreSeen() ? "=" : "!",
            "capture kernel",
            expected.captureKernelRuns() ? "runs" : "does not run",
            actual.vmcoreSeen() ? "VMCORE seen" : "no VMCORE"));
    dumpLogLine(expected, actual).ifPresent(out::add);
    bootLine(expected, actual).ifPresent(out::add);
    return out;
  }

  /**
   * Whether the guest booted again after its reset, when the rules say it reboots or it was seen
   * doing so: RESET events alone do not prove a reboot (a firmware that resets in a loop sends them
   * by the thousand and never starts the kernel).
   */
  static Optional<DiffLine> bootLine(ExpectedOutcome expected, ObservedOutcome actual) {
    if (!expected.bootsAgain() && !actual.bootSeen()) {
      return Optional.empty();
    }
    return Optional.of(
        new DiffLine(
            expected.bootsAgain() == actual.bootSeen() ? "=" : "!",
            "boot",
            expected.bootsAgain() ? "boots again after the reset" : "no reboot",
            actual.bootSeen()
                ? "seen booting (kernel banner after the reset)"
                : "not seen booting (no kernel banner after the reset)"));
  }

  /**
   * The dump's kernel log against the expected panic message, when the rules expect one (a capture
   * kernel runs after a panic whose message they know) and the capture kernel ran: a missing
   * capture kernel is the capture line's difference already.
   */
  static Optional<DiffLine> dumpLogLine(ExpectedOutcome expected, ObservedOutcome actual) {
    if (expected.dumpLogHolds().isEmpty() || !actual.vmcoreSeen()) {
      return Optional.empty();
    }
    String message = expected.dumpLogHolds().get();
    String want = "holds the panic '" + message + "'";
    if (actual.dumpLog().isEmpty()) {
      return Optional.of(
          new DiffLine("!", "dump log", want, "no DMESG line from the capture kernel"));
    }
    DumpLog log = actual.dumpLog().get();
    boolean holds = log.read() && log.holds(message);
    return Optional.of(new DiffLine(holds ? "=" : "!", "dump log", want, log.describe()));
  }

  /** The guest's facts against the derived ones; none when either side has no guest part. */
  private static List<GuestFactCheck> guestChecks(
      ExpectedOutcome expected, ObservedOutcome actual) {
    if (expected.guest().isEmpty() || actual.guest().isEmpty()) {
      return List.of();
    }
    return expected.guest().get().check(actual.guest().get());
  }

  private static String render(
      ExpectedOutcome expected,
      ObservedOutcome actual,
      List<GuestFactCheck> guest,
      List<EventAlignment.Line> lines,
      boolean matches) {
    List<String[]> rows = new ArrayList<>();
    for (EventAlignment.Line line : lines) {
      rows.add(new String[] {line.mark().symbol(), expectedText(line), actualText(line)});
    }
    if (rows.isEmpty()) {
      rows.add(new String[] {"=", NO_EVENTS, NO_EVENTS});
    }
    int width = "expected".length();
    for (String[] row : rows) {
      width = Math.max(width, row[1].length());
    }
    width += 2;
    StringBuilder out = new StringBuilder();
    if (!guest.isEmpty()) {
      out.append("guest before the trigger:\n");
      guest.forEach(g -> out.append(g.line()).append('\n'));
    }
    out.append("  ").append(pad("expected", width)).append("actual\n");
    for (String[] row : rows) {
      out.append(row[0]).append(' ').append(pad(row[1], width)).append(row[2]).append('\n');
    }
    out.append(finalLine(expected.finalState(), actual.finalState())).append('\n');
    out.append(captureLine(expected.captureKernelRuns(), actual.vmcoreSeen())).append('\n');
    dumpLogLine(expected, actual)
        .ifPresent(
            l ->
                out.append(
                        l.differs()
                            ? "! dump log: expected it "
                                + l.expected()
                                + " (vmcore-dmesg), actual "
                                + l.actual()
                            : "= dump log: " + l.actual() + " (vmcore-dmesg)")
                    .append('\n'));
    bootLine(expected, actual)
        .ifPresent(
            l ->
                out.append(
                        l.differs()
                            ? "! boot: expected " + l.expected() + ", actual " + l.actual()
                            : "= boot: " + l.actual())
                    .append('\n'));
    if (!matches) {
      out.append(
          "(= same, ~ repeated within its bound, ! other data, - missing, + unexpected, ? going by the"
              + " guest)\n");
    }
    out.append("expected because:\n");
    for (String reason : expected.reasoning()) {
      out.append("  ").append(reason).append('\n');
    }
    return out.toString();
  }

  private static String expectedText(EventAlignment.Line line) {
    return line.expected() == null ? UNEXPECTED : line.expected().describe();
  }

  private static String actualText(EventAlignment.Line line) {
    if (line.actual() == null) {
      return MISSING;
    }
    String text = line.actual().describe();
    return line.mark() == EventAlignment.Mark.REPEATED || line.count() > 1
        ? text + " x" + line.count()
        : text;
  }

  private static String finalLine(FinalState expected, FinalState actual) {
    return expected.equals(actual)
        ? "= final: " + expected.describe()
        : "! final: expected " + expected.describe() + ", actual " + actual.describe();
  }

  private static String captureLine(boolean expectedRuns, boolean vmcoreSeen) {
    if (expectedRuns == vmcoreSeen) {
      return expectedRuns
          ? "= capture kernel: runs (VMCORE seen)"
          : "= capture kernel: does not run (no VMCORE)";
    }
    return expectedRuns
        ? "! capture kernel: expected to run (VMCORE), actual no VMCORE line"
        : "! capture kernel: expected not to run, actual VMCORE seen";
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text + "  " : text + " ".repeat(width - text.length());
  }
}
