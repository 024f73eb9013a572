package dev.pvpanic.harness.cell;

/**
 * How a cell ended. Kept apart on purpose: a wrong event sequence is a finding about the kernel or
 * QEMU; a panic in the wrong place (while booting or arming) is one too, but of another kind; a
 * timeout means something never happened (with what was awaited and the console tail); an
 * infrastructure error means the harness could not run the cell at all (QEMU died at start, an
 * image failed to build).
 */
public enum Verdict {
  PASS,
  /**
   * The guest's state before the trigger (its pvpanic driver, the device's capability and events,
   * kexec and notifier state) is not what the rules derive from the cell, the image and the QEMU
   * build: a finding about the kernel, the image or QEMU, made before any event.
   */
  WRONG_GUEST_STATE,
  WRONG_EVENTS,
  UNEXPECTED_PANIC,
  /**
   * QEMU died of a signal of its own (SIGSEGV, SIGABRT from an assertion): a failure of the QEMU
   * build under test, with its stderr. A QEMU killed from outside (SIGKILL, SIGTERM) is an
   * INFRASTRUCTURE_ERROR naming the signal instead.
   */
  QEMU_CRASHED,
  /**
   * kdump was to run and its capture kernel never printed the VMCORE line: it never started, it
   * panicked itself (too small a crashkernel reservation, a broken capture initramfs), or it hung.
   * A finding about the guest kernel's crash path, told apart from wrong pvpanic events.
   */
  CAPTURE_FAILED,
  TIMEOUT,
  INFRASTRUCTURE_ERROR,
  /**
   * The run was interrupted (Ctrl-C) before the cell's verdict: neither a finding nor a fault of
   * the machine to retry; the cell did not finish, and says where it was.
   */
  INTERRUPTED,
  NOT_APPLICABLE
}
