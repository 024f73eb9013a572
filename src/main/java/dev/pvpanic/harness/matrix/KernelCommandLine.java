package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.oracle.PostNotifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel command lines of a cell: the main kernel's (the recipe's, the cell's notifiers and
 * ACPI, then the cell's own {@code kernel_args}) and the capture kernel's, and what in a cell's
 * arguments would take away what the harness needs: the serial console it reads, or a line longer
 * than the kernel keeps.
 */
public final class KernelCommandLine {
  private static final Pattern CONSOLE = Pattern.compile("(?:^|\\s)console=(\\S*)");

  private KernelCommandLine() {}

  /** The main kernel's command line for a cell on a recipe whose own line is {@code recipe}. */
  public static String main(Cell cell, String recipe) {
    // a Debian system reserves crash memory only where kdump is wanted: kdump-tools loads a
    // capture kernel whenever there is a reservation, so without one it loads none
    StringBuilder sb =
        new StringBuilder(
            cell.userland() == dev.pvpanic.harness.image.Userland.DEBIAN && !cell.kdump()
                ? withoutCrashkernel(recipe)
                : recipe);
    if (cell.postNotifiers() == PostNotifiers.CMDLINE) {
      sb.append(" crash_kexec_post_notifiers");
    }
    if (cell.acpiOff()) {
      sb.append(" acpi=off");
    }
    if (!cell.kernelArgs().isEmpty()) {
      sb.append(' ').append(cell.kernelArgs());
    }
    return sb.toString();
  }

  /** {@code line} without its {@code crashkernel=} reservation. */
  public static String withoutCrashkernel(String line) {
    return line.replaceAll("(^|\\s)crashkernel=\\S+", " ").replaceAll("\\s+", " ").strip();
  }

  /**
   * The capture kernel's command line: the main one less crashkernel and notifiers, plus kdump's
   * usual.
   */
  public static String capture(String main) {
    String base =
        main.replaceAll("(^|\\s)(crashkernel=\\S+|crash_kexec_post_notifiers\\S*)", " ")
            .replaceAll("\\s+", " ")
            .strip();
    // no_timer_check: a TCG vCPU slowed by a loaded host can fail x86's IO-APIC timer check
    // (arch/x86/kernel/apic/io_apic.c, timer_irq_works) and the capture kernel then panics "IO-APIC
    // + timer doesn't work!" (seen with 5.10 here): a timing artefact of emulation, not the kernel
    // under test. Other architectures ignore the parameter.
    return base + " irqpoll nr_cpus=1 reset_devices no_timer_check" + captureLoglevel(base);
  }

  /**
   * The console log level of the capture kernel: {@code loglevel=6} (emergencies to notices: the
   * banner the harness waits for, a panic of its own, warnings and errors), unless the main line
   * asks for more ({@code debug}, or a {@code loglevel=} above 6). Real kdump set-ups boot the
   * capture kernel quiet as the main one usually is (kdump-tools keeps the running line's {@code
   * quiet}); here its informational boot lines cost time: the serial port at TCG speed took 0.4 s
   * of an x86_64 capture of 3.5 s (measured). Appended last, it also lifts a {@code quiet}, which
   * would hide the banner (init/main.c prints it as a notice) and so the capture kernel's start.
   */
  static String captureLoglevel(String base) {
    for (String token : base.split("\\s+")) {
      if (token.equals("debug")) {
        return "";
      }
      if (token.startsWith("loglevel=")) {
        try {
          if (Integer.parseInt(token.substring("loglevel=".length())) > 6) {
            return "";
          }
        } catch (NumberFormatException e) {
          // not a level the kernel reads either
        }
      }
    }
    return " loglevel=6";
  }

  /**
   * The longest command line the kernel keeps, in bytes with its terminating NUL: {@code
   * COMMAND_LINE_SIZE} of arch/x86/include/asm/setup.h (2048), arch/arm64/include/uapi/asm/setup.h
   * (2048) and arch/riscv/include/uapi/asm/setup.h (1024). A longer one is cut, so what the cell
   * asked for at its end silently goes.
   */
  static int limit(Architecture arch) {
    return switch (arch) {
      case X86_64, AARCH64 -> 2048;
      case RISCV64 -> 1024;
    };
  }

  /**
   * Why the cell's {@code kernel_args} cannot run on this recipe, if so: a {@code console=} whose
   * last value (the kernel's /dev/console, where the guest's init writes) is not the recipe's
   * serial console, or a main or capture command line over the architecture's limit.
   */
  public static Optional<String> problem(Cell cell, ImageRecipe recipe) {
    if (cell.kernelArgs().isEmpty()) {
      return Optional.empty();
    }
    String main = main(cell, recipe.cmdline());
    List<String> consoles = consoles(main);
    List<String> serial = consoles(recipe.cmdline());
    if (!consoles.isEmpty() && !serial.isEmpty()) {
      String last = consoles.get(consoles.size() - 1);
      String device = serial.get(serial.size() - 1).split(",")[0];
      if (!last.split(",")[0].equals(device)) {
        return Optional.of(
            "kernel_args '"
                + cell.kernelArgs()
                + "' makes console="
                + last
                + " the kernel's last console, so /dev/console (where the guest's init prints"
                + " READY and runs the harness's commands) is not the serial console the harness"
                + " reads; keep console="
                + device
                + " last (e.g. 'console=tty0 console="
                + device
                + "')");
      }
    }
    int limit = limit(recipe.arch()) - 1;
    for (String[] line :
        List.of(new String[] {"main", main}, new String[] {"capture", capture(main)})) {
      int bytes = line[1].getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > limit) {
        return Optional.of(
            "kernel_args make the "
                + line[0]
                + " kernel's command line "
                + bytes
                + " bytes, over "
                + recipe.arch().id()
                + "'s COMMAND_LINE_SIZE ("
                + limit
                + " bytes and a NUL): the kernel would cut its end; shorten kernel_args by "
                + (bytes - limit)
                + " bytes");
      }
    }
    return Optional.empty();
  }

  private static List<String> consoles(String cmdline) {
    List<String> out = new ArrayList<>();
    Matcher m = CONSOLE.matcher(cmdline);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
