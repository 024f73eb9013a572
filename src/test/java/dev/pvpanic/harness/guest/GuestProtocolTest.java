package dev.pvpanic.harness.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.guest.GuestProtocol.ModuleLine;
import dev.pvpanic.harness.guest.GuestProtocol.ReadyLine;
import dev.pvpanic.harness.guest.GuestProtocol.VmcoreLine;
import dev.pvpanic.harness.oracle.DumpLog;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class GuestProtocolTest {

  private static final String FULL =
      "PVH READY kernel=6.12.95+deb12-arm64 arch=aarch64 kexec_crash_loaded=1 post_notifiers=Y"
          + " pvpanic=pvpanic-pci capability=7 events=3";

  @Test
  void parsesAFullReadyLine() {
    ReadyLine ready = ReadyLine.parse(FULL);

    assertEquals("6.12.95+deb12-arm64", ready.kernel());
    assertEquals("aarch64", ready.arch());
    assertEquals(Optional.of(true), ready.kexecCrashLoaded());
    assertEquals(Optional.of(true), ready.postNotifiers());
    assertEquals("pvpanic-pci", ready.pvpanicDriver());
    assertEquals(OptionalInt.of(7), ready.capability());
    assertEquals(OptionalInt.of(3), ready.events());
  }

  @Test
  void dashMeansAbsent() {
    ReadyLine ready =
        ReadyLine.parse(
            "PVH READY kernel=5.10.0-30-amd64 arch=x86_64 kexec_crash_loaded=- post_notifiers=-"
                + " pvpanic=none capability=- events=-");

    assertEquals(Optional.empty(), ready.kexecCrashLoaded());
    assertEquals(Optional.empty(), ready.postNotifiers());
    assertEquals("none", ready.pvpanicDriver());
    assertEquals(OptionalInt.empty(), ready.capability());
    assertEquals(OptionalInt.empty(), ready.events());
  }

  @Test
  void falseFlagsAndHexNumbers() {
    ReadyLine ready =
        ReadyLine.parse(
            "PVH READY kernel=6.1.0 arch=x86_64 kexec_crash_loaded=0 post_notifiers=N"
                + " pvpanic=pvpanic-mmio capability=0x3 events=0X1F");

    assertEquals(Optional.of(false), ready.kexecCrashLoaded());
    assertEquals(Optional.of(false), ready.postNotifiers());
    assertEquals(OptionalInt.of(3), ready.capability());
    assertEquals(OptionalInt.of(31), ready.events());
    // without a prefix a number is decimal: "10" is ten
    assertEquals(
        OptionalInt.of(10),
        ReadyLine.parse(FULL.replace("capability=7", "capability=10")).capability());
  }

  @Test
  void toleratesConsoleNoiseAndUnknownKeys() {
    ReadyLine ready =
        ReadyLine.parse(
            "[    3.1] random: crng init done\rPVH READY" + FULL.substring(9) + " future_key=1\r");

    assertEquals("aarch64", ready.arch());
    assertEquals(OptionalInt.of(3), ready.events());
  }

  @Test
  void malformedReadyLinesNameTheProblemAndQuoteTheLine() {
    String noEvents = FULL.replace(" events=3", "");
    GuestProtocolException missing =
        assertThrows(GuestProtocolException.class, () -> ReadyLine.parse(noEvents));
    assertTrue(missing.getMessage().contains("'events'"), missing.getMessage());
    assertTrue(missing.getMessage().contains(noEvents), missing.getMessage());

    String badDriver = FULL.replace("pvpanic=pvpanic-pci", "pvpanic=virtio");
    GuestProtocolException driver =
        assertThrows(GuestProtocolException.class, () -> ReadyLine.parse(badDriver));
    assertTrue(driver.getMessage().contains("pvpanic=virtio"), driver.getMessage());

    assertThrows(
        GuestProtocolException.class,
        () -> ReadyLine.parse(FULL.replace("kexec_crash_loaded=1", "kexec_crash_loaded=yes")));
    assertThrows(
        GuestProtocolException.class,
        () -> ReadyLine.parse(FULL.replace("capability=7", "capability=seven")));
    assertThrows(GuestProtocolException.class, () -> ReadyLine.parse(FULL + " events=4"));
    assertThrows(GuestProtocolException.class, () -> ReadyLine.parse(FULL + " stray"));
    assertThrows(GuestProtocolException.class, () -> ReadyLine.parse("PVH VMCORE size=1"));
  }

  @Test
  void readyPatternFindsWellFormedAndMalformedLinesAlike() {
    Matcher m = GuestProtocol.READY_PATTERN.matcher("boot noise\n" + FULL + "\r\n~ # ");
    assertTrue(m.find());
    assertEquals(FULL, m.group());
    assertTrue(GuestProtocol.READY_PATTERN.matcher("PVH READY kernel=1").find());
    assertFalse(GuestProtocol.READY_PATTERN.matcher("PVH READYISH").find());
  }

  @Test
  void parsesVmcoreModuleAndCmdlineLines() {
    assertEquals(134217728L, VmcoreLine.parse("PVH VMCORE size=134217728").size());
    assertEquals(5L, VmcoreLine.parse("noise PVH VMCORE size=5\r").size());
    GuestProtocolException bad =
        assertThrows(GuestProtocolException.class, () -> VmcoreLine.parse("PVH VMCORE size=big"));
    assertTrue(bad.getMessage().contains("size=big"), bad.getMessage());
    assertTrue(GuestProtocol.VMCORE_PATTERN.matcher("x\nPVH VMCORE size=9\n").find());

    assertEquals(
        new ModuleLine("pvpanic-pci", true),
        ModuleLine.parse("PVH MODULE name=pvpanic-pci status=ok"));
    assertEquals(
        new ModuleLine("pvpanic", false),
        ModuleLine.parse("PVH MODULE name=pvpanic status=failed"));
    assertThrows(GuestProtocolException.class, () -> ModuleLine.parse("PVH MODULE name=x"));

    assertEquals(
        "console=ttyS0 crashkernel=192M panic=-1",
        GuestProtocol.parseCmdline("PVH CMDLINE console=ttyS0 crashkernel=192M panic=-1\r"));
    assertEquals("", GuestProtocol.parseCmdline("PVH CMDLINE"));
  }

  @Test
  void parsesTheCaptureKernelsReadingOfTheDumpLog() {
    List<String> console =
        List.of(
            "[    0.5] Linux version 6.12.95 (capture kernel)",
            "PVH DMESG-PANIC sysrq triggered crash\r",
            "PVH DMESG status=ok lines=812",
            "PVH VMCORE size=1048576");

    assertEquals(
        Optional.of(new DumpLog("ok", 812, List.of("sysrq triggered crash"))),
        GuestProtocol.dumpLog(console));
    assertEquals(Optional.empty(), GuestProtocol.dumpLog(List.of("PVH VMCORE size=5")));
    assertEquals(
        Optional.of(new DumpLog("absent", 0, List.of())),
        GuestProtocol.dumpLog(List.of("PVH DMESG status=absent lines=0")));
    assertThrows(
        GuestProtocolException.class,
        () -> GuestProtocol.dumpLog(List.of("PVH DMESG status=ok lines=99999999999")));
    assertFalse(GuestProtocol.VMCORE_PATTERN.matcher("PVH DMESG status=ok lines=1").find());
  }
}
