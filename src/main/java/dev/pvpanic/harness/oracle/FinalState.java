package dev.pvpanic.harness.oracle;

import java.util.Objects;

/** How a cell ends: QEMU has exited with a code, or QEMU still runs and query-status says this. */
public sealed interface FinalState {

  /** One line for people: {@code QEMU exits 0}, {@code status guest-panicked}. */
  String describe();

  /** QEMU exited (query-status is then impossible, so the exit code is what is checked). */
  record QemuExits(int exitCode) implements FinalState {
    @Override
    public String describe() {
      return "QEMU exits " + exitCode;
    }
  }

  /** QEMU runs; {@code query-status} returns {@code {running, status}}. */
  record Status(String status, boolean running) implements FinalState {
    public Status {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public String describe() {
      boolean usual = status.equals("running") == running;
      return "status " + status + (usual ? "" : " (running: " + running + ")");
    }
  }

  static FinalState running() {
    return new Status("running", true);
  }

  static FinalState guestPanicked() {
    return new Status("guest-panicked", false);
  }

  static FinalState shutdownPaused() {
    return new Status("shutdown", false);
  }

  static FinalState exits(int code) {
    return new QemuExits(code);
  }
}
