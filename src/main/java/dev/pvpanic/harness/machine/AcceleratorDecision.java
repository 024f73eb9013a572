package dev.pvpanic.harness.machine;

/** The accelerator asked for, the one that really runs the guest, and why. */
public record AcceleratorDecision(Accelerator requested, Accelerator used, String reason) {

  public AcceleratorDecision {
    if (used == Accelerator.AUTO) {
      throw new IllegalArgumentException("the accelerator used must be tcg or kvm");
    }
  }

  public static AcceleratorDecision asked(Accelerator accel) {
    return new AcceleratorDecision(accel, accel, "asked for " + accel.id());
  }

  @Override
  public String toString() {
    return used.id() + (requested == used ? "" : " (asked " + requested.id() + ": " + reason + ")");
  }
}
