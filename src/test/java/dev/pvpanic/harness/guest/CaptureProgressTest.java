package dev.pvpanic.harness.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaptureProgressTest {
  private static final List<String> PANIC =
      List.of(
          "~ # echo c > /proc/sysrq-trigger",
          "[   12.1] sysrq: Trigger a crash",
          "[   12.1] Kernel panic - not syncing: sysrq triggered crash");

  private static List<String> with(String... more) {
    List<String> l = new java.util.ArrayList<>(PANIC);
    l.addAll(List.of(more));
    return l;
  }

  @Test
  void noBannerAfterThePanicMeansTheCaptureKernelNeverStarted() {
    CaptureProgress p = CaptureProgress.of(with("[   12.2] ---[ end Kernel panic - not syncing"));
    assertEquals(Optional.empty(), p.banner());
    assertFalse(p.hopeless(), "it may still start: only a bound decides");
    assertTrue(p.describe().contains("never started"), p.describe());
  }

  @Test
  void theMainKernelsOwnBannerBeforeThePanicDoesNotCount() {
    List<String> l = new java.util.ArrayList<>(List.of("[    0.0] Linux version 6.12.1 (gcc)"));
    l.addAll(PANIC);
    assertEquals(Optional.empty(), CaptureProgress.of(l).banner());
  }

  @Test
  void aPanicOfTheCaptureKernelItselfIsHopelessAndQuoted() {
    CaptureProgress p =
        CaptureProgress.of(
            with(
                "[    0.0] Linux version 6.12.1 (debian-kernel@lists.debian.org)",
                "[    1.5] Out of memory and no killable processes...",
                "[    1.5] Kernel panic - not syncing: System is deadlocked on memory"));
    assertEquals(Optional.of(3), p.banner());
    assertTrue(p.hopeless());
    assertTrue(
        p.describe().contains("'Kernel panic - not syncing: System is deadlocked on memory'"),
        p.describe());
    assertTrue(p.describe().contains("console line 4"), p.describe());
  }

  @Test
  void aStartedCaptureKernelWithoutAPanicIsNotHopeless() {
    CaptureProgress p = CaptureProgress.of(with("[    0.0] Linux version 7.2.0 (gcc)"));
    assertFalse(p.hopeless());
    assertTrue(p.describe().contains("no VMCORE line within its bound"), p.describe());
  }

  @Test
  void theVmcoreLineEndsTheQuestionEvenAfterALaterPanic() {
    CaptureProgress p =
        CaptureProgress.of(
            with(
                "[    0.0] Linux version 7.2.0 (gcc)",
                "PVH VMCORE size=123",
                "[    9.0] Kernel panic - not syncing: Attempted to kill init!"));
    assertTrue(p.vmcore());
    assertFalse(p.hopeless());
  }
}
