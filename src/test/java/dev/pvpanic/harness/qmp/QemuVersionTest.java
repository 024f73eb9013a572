package dev.pvpanic.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** QEMU's version numbers: releases, stable updates, development builds, release candidates. */
class QemuVersionTest {

  @Test
  void aStableUpdateIsItsRelease() {
    assertEquals(QemuVersion.of(7, 2, 0), QemuVersion.of(7, 2, 22).release());
    assertTrue(QemuVersion.of(7, 2, 22).atLeast(7, 2));
    assertFalse(QemuVersion.of(7, 2, 22).development());
  }

  @Test
  void aDevelopmentBuildCountsAsTheReleaseBeforeIt() {
    QemuVersion dev = QemuVersion.of(10, 2, 50);
    assertTrue(dev.development());
    assertEquals(QemuVersion.of(10, 2, 0), dev.release());
    assertFalse(dev.atLeast(11, 0), "what 11.0 brings may not be in it yet");
  }

  @Test
  void aReleaseCandidateCountsAsTheNextRelease() {
    assertEquals(QemuVersion.of(11, 0, 0), QemuVersion.of(10, 2, 90).release());
    assertEquals(QemuVersion.of(11, 1, 0), QemuVersion.of(11, 0, 90).release());
    assertEquals(QemuVersion.of(6, 0, 0), QemuVersion.of(5, 2, 91).release());
    assertEquals(QemuVersion.of(4, 0, 0), QemuVersion.of(3, 1, 90).release());
    assertTrue(QemuVersion.of(5, 2, 90).atLeast(6, 0));
  }
}
