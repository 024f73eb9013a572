package dev.pvpanic.harness.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.guest.GuestProtocol.ModuleLine;
import dev.pvpanic.harness.guest.GuestProtocol.ReadyLine;
import dev.pvpanic.harness.oracle.DumpLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fact-gathering functions of images/guest/init on the host against a fake sysfs tree and
 * parses what they print with {@link GuestProtocol}: the script and the parser must agree. Uses
 * busybox sh when the host has it (the guest's shell), else the host's POSIX /bin/sh. Booting a
 * real guest is the matrix tests' job.
 */
class GuestInitScriptTest {

  private static final Path INIT = Path.of("images/guest/init");

  @TempDir Path sys;
  private List<String> shell;

  @BeforeEach
  void findShell() {
    assumeTrue(Files.isRegularFile(INIT), "run from the project folder: " + INIT + " not found");
    if (Files.isExecutable(Path.of("/bin/busybox"))) {
      shell = List.of("/bin/busybox", "sh");
    } else {
      assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no shell on this host");
      shell = List.of("/bin/sh");
    }
  }

  @Test
  void reportsThePciDriverAndConvertsSysfsHexToDecimal() throws Exception {
    write("kernel/kexec_crash_loaded", "1");
    write("module/kernel/parameters/crash_kexec_post_notifiers", "Y");
    Path device = write("devices/pci0000:00/0000:00:03.0/capability", "7").getParent();
    write("devices/pci0000:00/0000:00:03.0/events", "1f"); // "%x": hex without a prefix
    Path driver = bindDriver("bus/pci/drivers/pvpanic-pci", device);
    Files.createSymbolicLink(driver.resolve("module"), sys.resolve("module/kernel"));

    ReadyLine ready = ReadyLine.parse(run("echo \"PVH READY $(ready_facts \"$1\")\""));

    assertEquals(Optional.of(true), ready.kexecCrashLoaded());
    assertEquals(Optional.of(true), ready.postNotifiers());
    assertEquals("pvpanic-pci", ready.pvpanicDriver());
    assertEquals(OptionalInt.of(7), ready.capability());
    assertEquals(OptionalInt.of(31), ready.events());
  }

  @Test
  void reportsTheOldSingleDriverWithoutAttributes() throws Exception {
    write("module/kernel/parameters/crash_kexec_post_notifiers", "N");
    Path device = Files.createDirectories(sys.resolve("devices/platform/QEMU0001:00"));
    bindDriver("bus/platform/drivers/pvpanic", device);

    ReadyLine ready = ReadyLine.parse(run("echo \"PVH READY $(ready_facts \"$1\")\""));

    assertEquals(Optional.empty(), ready.kexecCrashLoaded(), "no kexec_crash_loaded file");
    assertEquals(Optional.of(false), ready.postNotifiers());
    assertEquals("pvpanic", ready.pvpanicDriver());
    assertEquals(OptionalInt.empty(), ready.capability());
    assertEquals(OptionalInt.empty(), ready.events());
  }

  @Test
  void aLoadedDriverWithoutDeviceIsNone() throws Exception {
    Path driver = Files.createDirectories(sys.resolve("bus/platform/drivers/pvpanic-mmio"));
    Files.writeString(driver.resolve("bind"), "");
    Files.createSymbolicLink(
        driver.resolve("module"), Files.createDirectories(sys.resolve("module/pvpanic_mmio")));

    ReadyLine ready = ReadyLine.parse(run("echo \"PVH READY $(ready_facts \"$1\")\""));

    assertEquals("none", ready.pvpanicDriver());
    assertEquals(OptionalInt.empty(), ready.capability());
  }

  @Test
  void loadsModulesInOrderAndReportsEach() throws Exception {
    Path list =
        write("modules", "/lib/modules/pvpanic.ko\n\n# a comment\n/lib/modules/pvpanic-pci.ko");

    // a stand-in insmod: the first module loads, the second fails
    String output =
        run(
            "insmod() { [ \"$1\" = /lib/modules/pvpanic.ko ]; }; load_modules \"$1\"",
            list.toString());

    List<String> lines = output.lines().toList();
    assertEquals(2, lines.size(), output);
    assertEquals(new ModuleLine("pvpanic", true), ModuleLine.parse(lines.get(0)));
    assertEquals(new ModuleLine("pvpanic-pci", false), ModuleLine.parse(lines.get(1)));
  }

  @Test
  void coldplugLoadsOnlyTheDriversADeviceAsksForWithTheirDependencies() throws Exception {
    Path list =
        write(
            "etc/modules",
            "/lib/modules/pvpanic.ko\n/lib/modules/pvpanic-mmio.ko\n/lib/modules/pvpanic-pci.ko");
    write(
        "etc/modules.alias",
        "pvpanic-mmio acpi*:QEMU0001:*\npvpanic-mmio of:N*T*Cqemu,pvpanic-mmio\n"
            + "pvpanic-pci pci:v00001B36d00000011sv*sd*bc*sc*i*");
    write("etc/modules.dep", "pvpanic-mmio pvpanic\npvpanic-pci pvpanic");
    write(
        "devices/pci0000:00/0000:00:03.0/modalias",
        "pci:v00001B36d00000011sv00001AF4sd00001100bc08sc80i00");
    write("devices/platform/serial8250/modalias", "platform:serial8250");

    String output =
        run(
            "insmod() { :; }; load_modules \"$1\" \"$(dirname \"$(dirname \"$1\")\")\"",
            list.toString());

    assertEquals(
        List.of("PVH MODULE name=pvpanic status=ok", "PVH MODULE name=pvpanic-pci status=ok"),
        output.lines().toList(),
        "the PCI device asks for pvpanic-pci, which needs pvpanic; no ACPI device, no mmio");
  }

  @Test
  void aDriverWithoutItsDeviceTableIsNeverLoaded() throws Exception {
    Path list = write("etc/modules", "/lib/modules/pvpanic.ko\n/lib/modules/pvpanic-pci.ko");
    write("etc/modules.alias", ""); // pvpanic-pci built without MODULE_DEVICE_TABLE
    write("etc/modules.dep", "pvpanic-pci pvpanic");
    write(
        "devices/pci0000:00/0000:00:03.0/modalias",
        "pci:v00001B36d00000011sv00001AF4sd00001100bc08sc80i00");

    String output =
        run(
            "insmod() { :; }; load_modules \"$1\" \"$(dirname \"$(dirname \"$1\")\")\";"
                + " echo done",
            list.toString());

    assertEquals("done", output, "nothing loads, as udev would load nothing");
  }

  @Test
  void readsThePanicsOfTheDumpsLogWithVmcoreDmesg() throws Exception {
    // a stand-in vmcore-dmesg: panic()'s line, its end trailer, and noise
    standInVmcoreDmesg(
        "printf '%s\\n' '[    1.000000] Linux version 6.12'"
            + " '[   12.500000] Kernel panic - not syncing: sysrq triggered crash'"
            + " '[   12.600000] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---'");

    String output = run("PATH=\"$1/bin:$PATH\" dump_log_facts /proc/vmcore \"$1\"");

    assertEquals(
        Optional.of(new DumpLog("ok", 3, List.of("sysrq triggered crash"))),
        GuestProtocol.dumpLog(output.lines().toList()),
        output);
  }

  @Test
  void aFailingVmcoreDmesgIsReportedNotHidden() throws Exception {
    standInVmcoreDmesg("echo 'No program header covering vaddr' >&2; exit 1");

    String output = run("PATH=\"$1/bin:$PATH\" dump_log_facts /proc/vmcore \"$1\"");

    assertTrue(output.contains("No program header covering vaddr"), output);
    assertEquals(
        Optional.of(new DumpLog("failed", 0, List.of())),
        GuestProtocol.dumpLog(output.lines().toList()),
        output);
  }

  private void standInVmcoreDmesg(String body) throws IOException {
    Path script = write("bin/vmcore-dmesg", "#!/bin/sh\n" + body);
    script.toFile().setExecutable(true);
  }

  private Path bindDriver(String driverFolder, Path device) throws IOException {
    Path driver = Files.createDirectories(sys.resolve(driverFolder));
    Files.writeString(driver.resolve("bind"), "");
    Files.createSymbolicLink(driver.resolve(device.getFileName()), device);
    return driver;
  }

  private Path write(String relative, String content) throws IOException {
    Path file = sys.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content + "\n");
  }

  private String run(String command) throws Exception {
    return run(command, sys.toString());
  }

  /** Sources the init for its functions only, then runs {@code command} with {@code $1 = arg}. */
  private String run(String command, String arg) throws Exception {
    List<String> argv = new ArrayList<>(shell);
    argv.addAll(List.of("-c", ". \"$0\"; " + command, INIT.toAbsolutePath().toString(), arg));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("PVH_INIT_FUNCTIONS_ONLY", "1");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("init functions did not finish within 20 s: " + argv);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "exit status of " + argv + ", output:\n" + output);
    assertTrue(!output.isBlank(), "no output from " + argv);
    return output.strip();
  }
}
