package dev.pvpanic.harness.guest;

import dev.pvpanic.harness.oracle.DumpLog;
import dev.pvpanic.harness.oracle.GuestReport;
import dev.pvpanic.harness.oracle.PvpanicDriver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines the guest's init (images/guest/init) prints on the serial console, so the harness reads
 * the facts the oracle needs from the guest itself. See images/guest/README.md for the protocol.
 *
 * <p>The patterns find a line of each kind in console output; they are deliberately loose about the
 * line's body (a waiter should stop at a READY line even if it is malformed), and the {@code parse}
 * methods are strict and say exactly what is wrong.
 */
public final class GuestProtocol {

  /**
   * A line ends at CR, LF or the end of the text. Match complete lines: on a partial line still
   * arriving, the patterns would match what is there so far.
   */
  private static final String LINE_END = "(?=[\\r\\n]|\\z)";

  /** Finds a READY line: {@code PVH READY kernel=... arch=... ...}, up to the line's end. */
  public static final Pattern READY_PATTERN =
      Pattern.compile("PVH READY(?:[ \\t][^\\r\\n]*)?" + LINE_END);

  /** Finds the capture kernel's line: {@code PVH VMCORE size=<bytes>}, up to the line's end. */
  public static final Pattern VMCORE_PATTERN =
      Pattern.compile("PVH VMCORE(?:[ \\t][^\\r\\n]*)?" + LINE_END);

  /**
   * The capture kernel's reading of the dump's kernel log with vmcore-dmesg: {@code PVH DMESG
   * status=<ok|failed|absent> lines=<n>}, printed after its {@code DMESG-PANIC} lines.
   */
  public static final Pattern DMESG_PATTERN =
      Pattern.compile(
          "PVH DMESG status=(?<status>ok|failed|absent) lines=(?<lines>\\d+)" + LINE_END);

  /** One panic of the dump's log: {@code PVH DMESG-PANIC <what panic() was given>}. */
  public static final Pattern DMESG_PANIC_PATTERN =
      Pattern.compile("PVH DMESG-PANIC (?<message>[^\\r\\n]*)" + LINE_END);

  /** One module the guest loaded: {@code PVH MODULE name=pvpanic-pci status=ok}. */
  public static final Pattern MODULE_PATTERN =
      Pattern.compile("PVH MODULE name=(?<name>\\S+) status=(?<status>ok|failed)" + LINE_END);

  /** The guest kernel's command line as {@code /proc/cmdline} shows it. */
  public static final Pattern CMDLINE_PATTERN =
      Pattern.compile("PVH CMDLINE(?:[ \\t](?<cmdline>[^\\r\\n]*))?" + LINE_END);

  /** The pvpanic driver names READY reports, {@code none} when no driver bound a device. */
  public static final List<String> PVPANIC_DRIVERS =
      List.of("none", "pvpanic", "pvpanic-mmio", "pvpanic-pci");

  private static final Pattern VMCORE_SIZE = Pattern.compile("PVH VMCORE size=(\\d+)\\s*$");
  private static final Pattern NUMBER = Pattern.compile("0[xX][0-9a-fA-F]+|\\d+");

  private GuestProtocol() {}

  /**
   * What the main kernel's init found before handing over to the shell.
   *
   * @param kernel {@code uname -r}
   * @param arch {@code uname -m}
   * @param kexecCrashLoaded /sys/kernel/kexec_crash_loaded; empty when the file is absent
   * @param postNotifiers crash_kexec_post_notifiers; empty when the parameter is absent
   * @param pvpanicDriver the driver bound to a pvpanic device, one of {@link #PVPANIC_DRIVERS}
   * @param capability the device's {@code capability} attribute; empty when absent (before 5.12)
   * @param events the device's {@code events} attribute; empty when absent
   */
  public record ReadyLine(
      String kernel,
      String arch,
      Optional<Boolean> kexecCrashLoaded,
      Optional<Boolean> postNotifiers,
      String pvpanicDriver,
      OptionalInt capability,
      OptionalInt events) {

    private static final List<String> KEYS =
        List.of(
            "kernel",
            "arch",
            "kexec_crash_loaded",
            "post_notifiers",
            "pvpanic",
            "capability",
            "events");

    /**
     * Parses a READY line; text before {@code PVH READY} (console noise) is ignored, as are keys
     * this version does not know.
     *
     * @throws GuestProtocolException quoting the line and naming the missing or bad key
     */
    public static ReadyLine parse(String line) {
      Map<String, String> values = keyValues(line, "PVH READY");
      for (String key : KEYS) {
        if (!values.containsKey(key)) {
          throw new GuestProtocolException(
              "READY line lacks key '" + key + "' (expected keys " + KEYS + "): '" + line + "'");
        }
      }
      String kernel = values.get("kernel");
      String arch = values.get("arch");
      if (kernel.isEmpty() || arch.isEmpty() || kernel.equals("-") || arch.equals("-")) {
        throw new GuestProtocolException(
            "READY line has an empty kernel or arch value: '" + line + "'");
      }
      String driver = values.get("pvpanic");
      if (!PVPANIC_DRIVERS.contains(driver)) {
        throw new GuestProtocolException(
            "READY line has pvpanic="
                + driver
                + ", expected one of "
                + PVPANIC_DRIVERS
                + ": '"
                + line
                + "'");
      }
      return new ReadyLine(
          kernel,
          arch,
          flag(line, "kexec_crash_loaded", values.get("kexec_crash_loaded"), "1", "0"),
          flag(line, "post_notifiers", values.get("post_notifiers"), "Y", "N"),
          driver,
          number(line, "capability", values.get("capability")),
          number(line, "events", values.get("events")));
    }

    /** The line as an observation for the oracle's checks. */
    public GuestReport report() {
      return new GuestReport(
          kernel,
          PvpanicDriver.fromReadyValue(pvpanicDriver),
          capability,
          events,
          kexecCrashLoaded,
          postNotifiers,
          Optional.empty());
    }
  }

  /**
   * The capture kernel's report: it found /proc/vmcore and is about to reboot.
   *
   * @param size the size of /proc/vmcore in bytes (the dump the capture kernel could save)
   */
  public record VmcoreLine(long size) {

    /**
     * Parses {@code PVH VMCORE size=<bytes>}; text before it is ignored.
     *
     * @throws GuestProtocolException quoting the line when it is not one
     */
    public static VmcoreLine parse(String line) {
      Matcher m = VMCORE_SIZE.matcher(line);
      if (!m.find()) {
        throw new GuestProtocolException(
            "not a VMCORE line (expected 'PVH VMCORE size=<bytes>'): '" + line + "'");
      }
      try {
        return new VmcoreLine(Long.parseLong(m.group(1)));
      } catch (NumberFormatException e) {
        throw new GuestProtocolException("VMCORE size out of range: '" + line + "'");
      }
    }
  }

  /**
   * What the capture kernel read from the dump's log: the first {@code PVH DMESG} line of {@code
   * console} and the {@code PVH DMESG-PANIC} lines before it. Empty when there is no DMESG line (no
   * capture kernel ran, or its init predates the line).
   *
   * @throws GuestProtocolException when the line count is out of range
   */
  public static Optional<DumpLog> dumpLog(List<String> console) {
    List<String> panics = new ArrayList<>();
    for (String line : console) {
      Matcher panic = DMESG_PANIC_PATTERN.matcher(line);
      if (panic.find()) {
        panics.add(panic.group("message").strip());
        continue;
      }
      Matcher m = DMESG_PATTERN.matcher(line);
      if (m.find()) {
        try {
          return Optional.of(
              new DumpLog(m.group("status"), Integer.parseInt(m.group("lines")), panics));
        } catch (NumberFormatException e) {
          throw new GuestProtocolException("DMESG line count out of range: '" + line + "'");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * One module the init loaded from /etc/pvh/modules.
   *
   * @param name the module file's name without .ko
   * @param loaded true when insmod succeeded
   */
  public record ModuleLine(String name, boolean loaded) {

    /**
     * Parses {@code PVH MODULE name=<n> status=<ok|failed>}.
     *
     * @throws GuestProtocolException quoting the line when it is not one
     */
    public static ModuleLine parse(String line) {
      Matcher m = MODULE_PATTERN.matcher(line);
      if (!m.find()) {
        throw new GuestProtocolException(
            "not a MODULE line (expected 'PVH MODULE name=<n> status=<ok|failed>'): '"
                + line
                + "'");
      }
      return new ModuleLine(m.group("name"), m.group("status").equals("ok"));
    }
  }

  /**
   * The kernel command line from a {@code PVH CMDLINE ...} line.
   *
   * @throws GuestProtocolException quoting the line when it is not one
   */
  public static String parseCmdline(String line) {
    Matcher m = CMDLINE_PATTERN.matcher(line);
    if (!m.find()) {
      throw new GuestProtocolException(
          "not a CMDLINE line (expected 'PVH CMDLINE <cmdline>'): '" + line + "'");
    }
    String cmdline = m.group("cmdline");
    return cmdline == null ? "" : cmdline.strip();
  }

  private static Map<String, String> keyValues(String line, String prefix) {
    if (line == null) {
      throw new GuestProtocolException("no " + prefix + " line (null)");
    }
    int start = line.indexOf(prefix);
    if (start < 0) {
      throw new GuestProtocolException("not a '" + prefix + "' line: '" + line + "'");
    }
    String body = line.substring(start + prefix.length()).strip();
    Map<String, String> values = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return values;
    }
    for (String token : body.split("\\s+")) {
      int eq = token.indexOf('=');
      if (eq <= 0) {
        throw new GuestProtocolException(
            prefix + " line has '" + token + "', expected key=value: '" + line + "'");
      }
      String key = token.substring(0, eq);
      if (values.put(key, token.substring(eq + 1)) != null) {
        throw new GuestProtocolException(
            prefix + " line repeats key '" + key + "': '" + line + "'");
      }
    }
    return values;
  }

  private static Optional<Boolean> flag(
      String line, String key, String value, String yes, String no) {
    if (value.equals("-")) {
      return Optional.empty();
    }
    if (value.equals(yes)) {
      return Optional.of(true);
    }
    if (value.equals(no)) {
      return Optional.of(false);
    }
    throw new GuestProtocolException(
        "READY line has "
            + key
            + "="
            + value
            + ", expected "
            + yes
            + ", "
            + no
            + " or -: '"
            + line
            + "'");
  }

  /** Decimal as the init prints it; 0x-prefixed hex accepted too (sysfs's own form). */
  private static OptionalInt number(String line, String key, String value) {
    if (value.equals("-")) {
      return OptionalInt.empty();
    }
    if (!NUMBER.matcher(value).matches()) {
      throw new GuestProtocolException(
          "READY line has "
              + key
              + "="
              + value
              + ", expected a decimal or 0x-hex number or -: '"
              + line
              + "'");
    }
    try {
      boolean hex = value.startsWith("0x") || value.startsWith("0X");
      return OptionalInt.of(
          hex ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value));
    } catch (NumberFormatException e) {
      throw new GuestProtocolException(
          "READY line has " + key + "=" + value + ", out of range: '" + line + "'");
    }
  }
}
