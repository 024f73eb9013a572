package dev.pvpanic.harness.cell;

import java.util.List;
import java.util.Optional;

/**
 * The after-actions there are: one per value of the {@code after} axis but {@code none}, and the
 * one the image's userland brings (the dump kdump-tools saved, on the debian userland).
 */
public final class AfterActions {
  private static final List<AfterAction> ALL = List.of(new PanicDump(), new GuestRecovery());

  /** The debian userland's own after-action. */
  private static final SavedDumpCheck SAVED_DUMP = new SavedDumpCheck();

  private AfterActions() {}

  /** The after-action of the axis value {@code id}; empty for {@code none}. */
  static Optional<AfterAction> of(String id) {
    return ALL.stream().filter(a -> a.id().equals(id)).findFirst();
  }

  /**
   * The phases after-actions mark (each its {@link AfterAction#id}): time a cell's guest and QEMU
   * spend, not the harness's own work.
   */
  public static List<String> phaseNames() {
    List<String> names = new java.util.ArrayList<>();
    ALL.forEach(a -> names.add(a.id()));
    names.add(SAVED_DUMP.id());
    return List.copyOf(names);
  }

  /** What runs after {@code run}'s cell passed, in order: its userland's check, then its axis'. */
  static List<AfterAction> forCell(CellRun run, String axisValue) {
    List<AfterAction> out = new java.util.ArrayList<>();
    if (SavedDumpCheck.applies(run)) {
      out.add(SAVED_DUMP);
    }
    of(axisValue).ifPresent(out::add);
    return out;
  }
}
