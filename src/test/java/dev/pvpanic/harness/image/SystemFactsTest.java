package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debian userland's manifest facts, read from the system's files as kdump-tools installs them.
 */
class SystemFactsTest {
  @TempDir Path root;

  private void write(String path, String text) throws IOException {
    Path f = root.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }

  /** bookworm's kdump-tools 1.8.1 and systemd 252, as installed. */
  private void bookworm() throws IOException {
    write(
        "etc/default/kdump-tools",
        "# kdump-tools configuration\nUSE_KDUMP=1\n"
            + "KDUMP_KERNEL=/var/lib/kdump/vmlinuz\n# KDUMP_CMDLINE_APPEND=\"irqpoll nr_cpus=1\"\n");
    write(
        "usr/sbin/kdump-config",
        "#!/bin/sh\nKDUMP_CMDLINE_APPEND=${KDUMP_CMDLINE_APPEND:="
            + "\"reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb\"}\n");
    write(
        "etc/default/grub.d/kdump-tools.cfg",
        "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=384M-:128M\"\n");
    write(
        "usr/lib/tmpfiles.d/systemd-pstore.conf",
        "# crash_kexec_post_notifiers ...\n#w- /sys/module/kernel/parameters/crash_kexec_post_notifiers - - - - Y\n");
  }

  @Test
  void bookwormsKdumpToolsAsInstalled() throws IOException {
    bookworm();
    SystemFacts f = SystemFacts.read(root);
    assertTrue(f.useKdump());
    assertEquals(
        "reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1 irqpoll usbcore.nousb",
        f.cmdlineAppend());
    assertEquals("384M-:128M", f.crashkernel());
    assertFalse(
        f.services().forcesPostNotifiers().isPresent(), "systemd 252 ships it commented out");
    assertTrue(f.services().loadsCaptureKernel());
    assertEquals(384, f.minimumMemoryMb());
    assertEquals(f, SystemFacts.fromManifest(f.toManifest()));
  }

  @Test
  void theConfiguredAppendWinsOverKdumpConfigsDefault() throws IOException {
    bookworm();
    write("etc/default/kdump-tools", "USE_KDUMP=0\nKDUMP_CMDLINE_APPEND=\"nr_cpus=1 irqpoll\"\n");
    SystemFacts f = SystemFacts.read(root);
    assertFalse(f.useKdump());
    assertEquals("nr_cpus=1 irqpoll", f.cmdlineAppend());
  }

  @Test
  void systemd246sActivePstoreLineForcesTheNotifiersOn() throws IOException {
    bookworm();
    write(
        "usr/lib/tmpfiles.d/systemd-pstore.conf",
        "w /sys/module/kernel/parameters/crash_kexec_post_notifiers - - - - Y\n");
    SystemFacts f = SystemFacts.read(root);
    assertTrue(
        f.forcingLine().orElseThrow().startsWith("usr/lib/tmpfiles.d/systemd-pstore.conf: w "));
  }

  @Test
  void aSystemWithoutKdumpToolsIsRefusedNamingTheMissingFile() {
    RecipeException e = assertThrows(RecipeException.class, () -> SystemFacts.read(root));
    assertTrue(e.getMessage().contains("usr/sbin/kdump-config"), e.getMessage());
  }

  @Test
  void theSystemsCommandLineTakesKdumpToolsReservationAndTheDisk() {
    SystemFacts f =
        new SystemFacts(
            true, "", "384M-:128M", java.util.Optional.empty(), java.util.Optional.empty());
    assertEquals(
        "console=ttyS0 crashkernel=384M-:128M root=/dev/vda ro",
        SystemImage.cmdline("console=ttyS0 crashkernel=192M", f));
  }

  private void arm64(String vaBits, String makedumpfile) throws IOException {
    bookworm();
    write(
        "boot/config-6.12.95+deb12-arm64",
        "CONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS_"
            + vaBits
            + "=y\nCONFIG_ARM64_VA_BITS="
            + vaBits
            + "\n");
    write(
        "var/lib/dpkg/status",
        "Package: kdump-tools\nStatus: install ok installed\nVersion: 1:1.8.1\n\n"
            + "Package: makedumpfile\nStatus: install ok installed\nVersion: "
            + makedumpfile
            + "\n");
  }

  @Test
  void makedumpfileCannotReadAnArm64KernelWith52BitVasOn4kPages() throws IOException {
    arm64("52", "1:1.7.2-1");
    String why = SystemFacts.read(root).dumpUnreadable().orElseThrow();
    assertTrue(why.contains("makedumpfile 1:1.7.2-1"), why);
    assertTrue(why.contains("CONFIG_ARM64_VA_BITS=52"), why);
    assertEquals(
        java.util.Optional.of(why),
        SystemFacts.fromManifest(SystemFacts.read(root).toManifest()).dumpUnreadable());
  }

  @Test
  void fortyEightBitVasOrAMakedumpfileAfterTheLastCheckedReleaseAreReadable() throws IOException {
    arm64("48", "1:1.7.2-1");
    assertEquals(java.util.Optional.empty(), SystemFacts.read(root).dumpUnreadable());
    arm64("52", "1:1.8.0-1");
    assertEquals(java.util.Optional.empty(), SystemFacts.read(root).dumpUnreadable());
  }
}
