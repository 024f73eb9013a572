package dev.pvpanic.harness.cell;

import dev.pvpanic.harness.guest.CaptureProgress;
import dev.pvpanic.harness.guest.ConsolePatterns;
import dev.pvpanic.harness.guest.GuestProtocol;
import dev.pvpanic.harness.machine.QemuMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When a trigger's effects showed, from listeners set up just before the trigger is typed: the
 * first QMP event, the first console line proving the trigger took effect, the capture kernel's
 * VMCORE line, the end of the kernel's panic path, and the exit status of a trigger typed on the
 * shell when it returned.
 *
 * <p>Listening, rather than marking phases as the waits return, gives the real times: the waits run
 * in the order the expectation lists things, not the order they happened.
 */
final class TriggerTimeline {

  private final AtomicReference<Instant> firstEvent = new AtomicReference<>();
  private final AtomicReference<Instant> firstSign = new AtomicReference<>();
  private final AtomicReference<Instant> vmcore = new AtomicReference<>();
  private final AtomicReference<Integer> exit = new AtomicReference<>();
  private final CountDownLatch kernelDone = new CountDownLatch(1);
  private final AtomicReference<Instant> firstReset = new AtomicReference<>();
  private final CountDownLatch bootAfterReset = new CountDownLatch(1);
  private volatile boolean listening;

  private TriggerTimeline() {}

  /** Starts listening; lines and events that were there before are not counted. */
  static TriggerTimeline watch(QemuMachine machine) {
    TriggerTimeline t = new TriggerTimeline();
    machine
        .qmp()
        .events()
        .addListener(
            e -> {
              t.firstEvent.compareAndSet(null, e.receivedAt());
              if (e.name().equals("RESET")) {
                t.firstReset.compareAndSet(null, e.receivedAt());
              }
            });
    // The listener first gets the lines so far, on this thread, while listening is still false.
    machine.console().addLineListener(t::line);
    t.listening = true;
    return t;
  }

  private void line(String line) {
    if (!listening) {
      return;
    }
    Instant now = Instant.now();
    if (ConsolePatterns.TRIGGER_TOOK_EFFECT.matcher(line).find()) {
      firstSign.compareAndSet(null, now);
    }
    if (GuestProtocol.VMCORE_PATTERN.matcher(line).find()) {
      vmcore.compareAndSet(null, now);
    }
    if (ConsolePatterns.KERNEL_DONE.matcher(line).find()) {
      kernelDone.countDown();
    }
    // a banner comes seconds after the reset that starts its boot: the two listeners' clocks
    // need no finer order than that
    if (firstReset.get() != null && CaptureProgress.BANNER.matcher(line).find()) {
      bootAfterReset.countDown();
    }
    TriggerExit.status(line).ifPresent(status -> exit.compareAndSet(null, status));
  }

  /** The exit status of the trigger typed on the shell, once its {@link TriggerExit} line came. */
  Optional<Integer> triggerExit() {
    return Optional.ofNullable(exit.get());
  }

  /**
   * The first sign the trigger took effect: a QMP event or a console line, whichever came first.
   */
  Optional<Instant> effect() {
    Instant e = firstEvent.get();
    Instant s = firstSign.get();
    if (e == null || s == null) {
      return Optional.ofNullable(e == null ? s : e);
    }
    return Optional.of(e.isBefore(s) ? e : s);
  }

  /** When the capture kernel printed its VMCORE line. */
  Optional<Instant> vmcore() {
    return Optional.ofNullable(vmcore.get());
  }

  /**
   * Waits up to {@code bound} for the end of the kernel's panic or halt path; true when it was
   * seen.
   */
  boolean awaitKernelDone(Duration bound) {
    return await(kernelDone, bound);
  }

  /**
   * Waits up to {@code bound} for a kernel banner on the console after the cell's first RESET: the
   * guest is booting again. True when it was seen.
   */
  boolean awaitBootAfterReset(Duration bound) {
    return await(bootAfterReset, bound);
  }

  private static boolean await(CountDownLatch latch, Duration bound) {
    try {
      return latch.await(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether a kernel banner came after the cell's first RESET. */
  boolean bootSeenAfterReset() {
    return bootAfterReset.getCount() == 0;
  }
}
