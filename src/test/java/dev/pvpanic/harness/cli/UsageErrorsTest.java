package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.junit.TestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way to get a command wrong exits 2, before anything boots, and the message names what would
 * be valid.
 */
class UsageErrorsTest {
  private static final String BAD = "src/test/resources/bad-inputs/";

  static Stream<Arguments> wrongCommands() {
    return Stream.of(
        Arguments.argumentSet(
            "a QEMU argument that daemonizes (its QEMU outlived the harness)",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu-arg=-daemonize"},
            "qemu_args '-daemonize' would detach QEMU from the harness"),
        Arguments.argumentSet(
            "a QEMU argument that starts the VM paused",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu-arg=-S"},
            "qemu_args '-S' is refused"),
        Arguments.argumentSet(
            "a second pid file (QEMU writes it as root, and the harness tracks QEMU by its own)",
            new String[] {
              "run", "--recipe", "x86_64-6.12", "--qemu-arg=-pidfile", "--qemu-arg=/etc/shadow"
            },
            "qemu_args '-pidfile' is refused"),
        Arguments.argumentSet(
            "a log file QEMU writes on the host as root",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu-arg=-D", "--qemu-arg=/etc/x"},
            "qemu_args '-D /etc/x' writes a log file on the host"),
        Arguments.argumentSet(
            "a display other than none",
            new String[] {
              "run", "--recipe", "x86_64-6.12", "--qemu-arg=-display", "--qemu-arg=gtk"
            },
            "only -display none"),
        Arguments.argumentSet(
            "a console= that takes /dev/console off the serial console",
            new String[] {"run", "--recipe", "x86_64-6.12", "--kernel-arg", "console=tty0"},
            "keep console=ttyS0 last"),
        Arguments.argumentSet(
            "a kernel command line over x86's COMMAND_LINE_SIZE",
            new String[] {
              "run", "--recipe", "x86_64-6.12", "--kernel-arg", "x=" + "a".repeat(3000)
            },
            "over x86_64's COMMAND_LINE_SIZE"),
        Arguments.argumentSet(
            "unknown device",
            new String[] {"run", "--recipe", "x86_64-6.12", "--device", "usb"},
            "'usb' is not a value of axis 'device'; valid: none, isa, pci"),
        Arguments.argumentSet(
            "unknown notifier mode",
            new String[] {"run", "--recipe", "x86_64-6.12", "--post-notifiers", "always"},
            "valid: off, cmdline, runtime"),
        Arguments.argumentSet(
            "events out of range",
            new String[] {"run", "--recipe", "x86_64-6.12", "--events", "9"},
            "valid: default, 0, 1, 2, 3, 4, 5, 6, 7"),
        Arguments.argumentSet(
            "unknown panic action",
            new String[] {"run", "--recipe", "x86_64-6.12", "--action", "panic=explode"},
            "valid: default, pause, none, shutdown, exit-failure"),
        Arguments.argumentSet(
            "unknown action key",
            new String[] {"run", "--recipe", "x86_64-6.12", "--action", "reboot=shutdown"},
            "KEY panic or shutdown"),
        Arguments.argumentSet(
            "unknown trigger",
            new String[] {"run", "--recipe", "x86_64-6.12", "--trigger", "reboot"},
            "valid: sysrq-c, sysrq-break, nmi, poweroff"),
        Arguments.argumentSet(
            "unknown accelerator",
            new String[] {"run", "--recipe", "x86_64-6.12", "--accel", "hvf"},
            "valid: tcg, kvm, auto"),
        Arguments.argumentSet(
            "unknown recipe",
            new String[] {"run", "--recipe", "x86_64-9.9"},
            "unknown recipe 'x86_64-9.9'; recipes: aarch64-6.12 (aarch64, kernel 6.12)"),
        Arguments.argumentSet(
            "no recipe at all",
            new String[] {"run", "--device", "pci"},
            "give --recipe NAME, or --arch ARCH --kernel VERSION"),
        Arguments.argumentSet(
            "ambiguous arch and kernel",
            new String[] {"run", "--arch", "aarch64", "--kernel", "6.12"},
            "is ambiguous: it matches aarch64-6.12 (aarch64, kernel 6.12), aarch64-6.12-bpo"),
        Arguments.argumentSet(
            "unknown architecture",
            new String[] {"run", "--arch", "s390x", "--kernel", "6.12"},
            "unknown architecture 's390x'; valid: x86_64, aarch64, riscv64"),
        Arguments.argumentSet(
            "no recipe of that kernel",
            new String[] {"run", "--arch", "x86_64", "--kernel", "4.19"},
            "no recipe matches --arch x86_64 --kernel 4.19; recipes:"),
        Arguments.argumentSet(
            "ISA device on aarch64",
            new String[] {"run", "--recipe", "aarch64-6.12-bpo", "--device", "isa"},
            "exists only on x86_64"),
        Arguments.argumentSet(
            "config and flags together",
            new String[] {
              "run", "--config", "guest-configs/smoke.yaml", "--cell", "seed-no-kdump", "--kdump"
            },
            "not both"),
        Arguments.argumentSet(
            "config without a cell",
            new String[] {"run", "--config", "guest-configs/smoke.yaml"},
            "--config needs --cell NAME; cells of guest-configs/smoke.yaml: seed-no-kdump,"),
        Arguments.argumentSet(
            "unknown cell",
            new String[] {"run", "--config", "guest-configs/smoke.yaml", "--cell", "nope"},
            "no cell 'nope' in guest-configs/smoke.yaml; cells: seed-no-kdump"),
        Arguments.argumentSet(
            "missing config",
            new String[] {"run", "--config", "guest-configs/nope.yaml", "--cell", "a"},
            "no guest config"),
        Arguments.argumentSet(
            "unknown flag", new String[] {"run", "--kdunp"}, "Unknown option: '--kdunp'"),
        Arguments.argumentSet(
            "shard that does not exist",
            new String[] {"matrix", "guest-configs/smoke.yaml", "--shard", "4/3"},
            "1 <= k <= n"),
        Arguments.argumentSet(
            "shard that is not k/n",
            new String[] {"matrix", "--shard", "half"},
            "not of the form k/n"),
        Arguments.argumentSet(
            "no guests at a time", new String[] {"matrix", "--parallel", "0"}, "valid: 1..64"),
        Arguments.argumentSet(
            "image of an unknown recipe",
            new String[] {"images", "build", "x86_64-6.12", "nope"},
            "unknown recipe 'nope'; recipes:"),
        Arguments.argumentSet(
            "a debian image of a riscv64 recipe",
            new String[] {"images", "build", "--userland", "debian", "riscv64-6.12"},
            "riscv64-6.12: userland debian: Debian bookworm has no riscv64 packages"),
        Arguments.argumentSet(
            "an image of an unknown userland",
            new String[] {"images", "build", "--userland", "gentoo", "x86_64-6.12"},
            "--userland: unknown userland 'gentoo'; valid: minimal, debian"),
        Arguments.argumentSet(
            "bundle of no cell",
            new String[] {"bundle", "--out", "/tmp/never.tar.gz"},
            "give --config FILE --cell NAME, or --from DIR"),
        Arguments.argumentSet(
            "bundle without --out", new String[] {"bundle"}, "Missing required option: '--out"),
        Arguments.argumentSet(
            "notifiers without kdump (flags)",
            new String[] {"run", "--recipe", "x86_64-6.12", "--post-notifiers", "runtime"},
            "post_notifiers: runtime needs kdump: yes"),
        Arguments.argumentSet(
            "a power-off with kdump (flags)",
            new String[] {"run", "--recipe", "x86_64-6.12", "--kdump", "--trigger", "poweroff"},
            "trigger: poweroff with kdump: yes"),
        Arguments.argumentSet(
            "a machine type that is none (flags)",
            new String[] {"run", "--recipe", "x86_64-6.12", "--machine-type", "banana"},
            "machine_type: 'banana' is no machine type the harness knows"),
        Arguments.argumentSet(
            "an empty --out (matrix)",
            new String[] {"matrix", "guest-configs/smoke.yaml", "--out", ""},
            "--out is empty"),
        Arguments.argumentSet(
            "an empty --out (run)",
            new String[] {"run", "--recipe", "x86_64-6.12", "--out", ""},
            "--out is empty"),
        Arguments.argumentSet(
            "a duplicate YAML key",
            new String[] {"matrix", BAD + "duplicate-key.yaml", "--dry-run"},
            "duplicate-key.yaml:3:"),
        Arguments.argumentSet(
            "a config name that leaves the build folder",
            new String[] {"matrix", BAD + "name-escapes.yaml", "--dry-run"},
            "'../../../../tmp/x' is not a name"),
        Arguments.argumentSet(
            "two cells of one name",
            new String[] {"matrix", BAD + "duplicate-cell-name.yaml", "--dry-run"},
            "a second cell named 'a'"),
        Arguments.argumentSet(
            "a product with notifiers without kdump",
            new String[] {"matrix", BAD + "notifiers-without-kdump.yaml", "--dry-run"},
            "add an exclusion for it"),
        Arguments.argumentSet(
            "the same contradiction through run --config",
            new String[] {"run", "--config", BAD + "poweroff-with-kdump.yaml", "--cell", "a"},
            "trigger: poweroff with kdump: yes"),
        Arguments.argumentSet(
            "the same contradiction through matrix",
            new String[] {"matrix", BAD + "poweroff-with-kdump.yaml", "--dry-run"},
            "trigger: poweroff with kdump: yes"),
        Arguments.argumentSet(
            "a machine type that is none (config)",
            new String[] {"matrix", BAD + "banana-machine.yaml", "--dry-run"},
            "no machine type the harness knows"),
        Arguments.argumentSet(
            "an empty config",
            new String[] {"matrix", BAD + "empty.yaml", "--dry-run"},
            "empty.yaml: is empty"),
        Arguments.argumentSet(
            "a product too large to expand",
            new String[] {"matrix", BAD + "too-many-cells.yaml", "--dry-run"},
            "a product of 358400 cells, more than 100000"),
        Arguments.argumentSet(
            "a bundle into a folder",
            new String[] {
              "bundle",
              "--config",
              "guest-configs/smoke.yaml",
              "--cell",
              "seed-no-kdump",
              "--out",
              "guest-configs"
            },
            "--out guest-configs is a folder; give the bundle's file name"),
        Arguments.argumentSet(
            "a QEMU build folder that is no build tree",
            new String[] {"matrix", BAD + "qemu-not-a-build-tree.yaml", "--dry-run"},
            "nosuch-build is not a QEMU build tree for x86_64 (missing: the folder itself)"),
        Arguments.argumentSet(
            "a --qemu of no kind the axis knows",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu", "qemu-9.1"},
            "--qemu: unknown QEMU build 'qemu-9.1'; valid: host, debian:"),
        Arguments.argumentSet(
            "a --qemu prefix that is no install",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu", "prefix:/nonexistent/qemu"},
            "/nonexistent/qemu is not a QEMU install prefix (no executable bin/qemu-system-x86_64)"),
        Arguments.argumentSet(
            "a --qemu build folder that is no build tree",
            new String[] {"run", "--recipe", "aarch64-6.12", "--qemu", "build:nosuch-build"},
            "nosuch-build is not a QEMU build tree for aarch64 (missing: the folder itself)"),
        Arguments.argumentSet(
            "a --qemu container of no image",
            new String[] {"run", "--recipe", "x86_64-6.12", "--qemu", "container:"},
            "'container:' names no image"),
        Arguments.argumentSet(
            "a QEMU argument that gives the guest a network",
            new String[] {
              "run", "--recipe", "x86_64-6.12", "--qemu-arg=-netdev", "--qemu-arg=user,id=n0"
            },
            "qemu_args '-netdev user,id=n0' would give the guest a network"),
        Arguments.argumentSet(
            "a QEMU argument that writes a host file",
            new String[] {
              "run",
              "--recipe",
              "x86_64-6.12",
              "--qemu-arg=-chardev",
              "--qemu-arg=file,id=f,path=/etc/motd"
            },
            "opens a host 'file' outside the machine's private run folder"),
        Arguments.argumentSet("no command", new String[] {}, "which command?"),
        Arguments.argumentSet("images without a subcommand", new String[] {"images"}, "which?"));
  }

  @ParameterizedTest
  @MethodSource("wrongCommands")
  void exitsTwoNamingWhatIsValid(String[] args, String expected, @TempDir Path build)
      throws Exception {
    String checkout = gitStatus();
    CliRun r = CliRun.with(TestSettings.checkout(Map.of("pvh.build.dir", build.toString())), args);
    assertEquals(ExitStatus.USAGE.code(), r.exit(), r.toString());
    assertTrue(r.err().contains(expected), "stderr lacks <" + expected + ">:\n" + r);
    assertTrue(r.out().isEmpty() || !r.out().contains("== verdict"), r.toString());
    // refused before anything ran: no cell folder, no QEMU left, nothing new in the checkout
    try (Stream<Path> made = Files.walk(build)) {
      assertEquals(List.of(build), made.toList(), "written into the build folder: " + r);
    }
    assertEquals(
        List.of(),
        ProcessHandle.current()
            .descendants()
            .filter(h -> h.info().command().map(c -> c.contains("qemu-system")).orElse(false))
            .toList(),
        "a QEMU runs");
    assertEquals(checkout, gitStatus(), "the checkout changed: " + r);
  }

  /** The checkout's own state: tracked files changed and files git does not ignore. */
  private static String gitStatus() throws Exception {
    Process p =
        new ProcessBuilder("git", "status", "--porcelain").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void helpExitsZero() {
    CliRun r = CliRun.of("run", "--help");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("--post-notifiers=off|cmdline|runtime"), r.out());
    assertTrue(r.out().contains("--keep"), r.out());
  }
}
