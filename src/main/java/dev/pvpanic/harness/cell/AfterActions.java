package dev.pvpanic.harness.cell;

import java.util.List;
import java.util.Optional;

/** The after-actions there are, one per value of the {@code after} axis but {@code none}. */
final class AfterActions {
  private static final List<AfterAction> ALL = List.of(new PanicDump(), new GuestRecovery());

  private AfterActions() {}

  /** The after-action of the axis value {@code id}; empty for {@code none}. */
  static Optional<AfterAction> of(String id) {
    return ALL.stream().filter(a -> a.id().equals(id)).findFirst();
  }
}
