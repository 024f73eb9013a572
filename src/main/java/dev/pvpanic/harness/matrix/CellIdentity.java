package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.oracle.PostNotifiers;
import dev.pvpanic.harness.oracle.WatchdogAction;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one identity of a cell, and every name derived from it: the artifact folder, Allure's history
 * id, test case id and name, JUnit's display name, KCIDB's test id and path, KTAP's test name and
 * the bundle's folder. Every consumer asks here; none computes a name of its own, because names
 * computed twice drift (Allure's history id once left out the {@code watchdog} and {@code after}
 * axes, and 90 cells showed as 83 tests).
 *
 * <p>The identity is the cell's recipe and one part per other axis, each value spelled so that no
 * two axes' parts can be confused; a part at its default is left out where that keeps the folder
 * names of earlier runs. So two cells that differ in any axis value differ in every name ({@code
 * CellIdentityTest} walks every axis). Free text (kernel and QEMU arguments) is named by a short
 * hash; other free values (recipe, machine type, QEMU build) are spelled out, path-safe: a guest
 * config in which two different cells would still get one id is refused when it is loaded.
 *
 * @param name the cell's name in its guest config, when it has one (a label: not part of the id)
 * @param recipe the recipe part
 * @param parts the other axes' parts, in a fixed order
 * @param displayName what a person reads: the name, then only what differs from the defaults
 */
public record CellIdentity(
    Optional<String> name, String recipe, List<String> parts, String displayName) {

  private static final String UNSAFE = "[^A-Za-z0-9._+-]";

  public CellIdentity {
    parts = List.copyOf(parts);
  }

  public static CellIdentity of(Cell cell) {
    return new CellIdentity(cell.name(), cell.recipe(), parts(cell), displayName(cell));
  }

  /**
   * The stable id, e.g. {@code x86_64-6.12_pci_kdump-cmdline_panic-none_shutdown-default_sysrq-c}:
   * path-safe ({@code [A-Za-z0-9._+-]}), the same for the same cell in every run. It is the
   * artifact folder's name, KTAP's test name and the tail of KCIDB's test id.
   */
  public String id() {
    List<String> all = new ArrayList<>();
    all.add(recipe);
    all.addAll(parts);
    return safe(String.join("_", all));
  }

  /** The cell's artifact folder under {@code <build>/cells/<config>/}. */
  public String folderName() {
    return id();
  }

  /** KTAP's test name: no white space and no {@code #}, so it is neither split nor a directive. */
  public String ktapName() {
    return id();
  }

  /**
   * Allure's history id: the same cell has the same history in every run, whatever the QEMU
   * version, the accelerator used or the JUnit invocation index.
   */
  public String historyId() {
    return md5("pvpanic-harness cell " + id());
  }

  /** Allure's test case id: one test case per cell, so one cell's runs are never "retries". */
  public String testCaseId() {
    return historyId();
  }

  /** JUnit's display name and Allure's test name. */
  public String testName() {
    return displayName;
  }

  /**
   * KCIDB's test path: {@code pvpanic.} and every part but the recipe (the recipe is the test's
   * build), dot-separated, each part in KCIDB's {@code [A-Za-z0-9_-]}, e.g. {@code
   * pvpanic.pci.kdump-cmdline.panic-none.shutdown-default.sysrq-c}. So no two cells of one run
   * share a build and a path.
   */
  public String kcidbPath() {
    StringBuilder p = new StringBuilder("pvpanic");
    for (String part : parts) {
      p.append('.').append(kcidbToken(safe(part)));
    }
    return p.toString();
  }

  /** KCIDB's test id: {@code <origin>:<run id>:<cell id>}, unique per run. */
  public String kcidbTestId(String origin, String runId) {
    return origin + ":" + runId + ":" + id();
  }

  /** The folder inside a bundle's tarball: the cell's name when it has one, else its id. */
  public String bundleFolder() {
    return "pvh-bundle-" + name.orElse(id()).replaceAll("[^A-Za-z0-9._-]", "-");
  }

  /** {@code [A-Za-z0-9_-]} only: anything else becomes {@code _}, runs collapsed. */
  public static String kcidbToken(String s) {
    return s.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
  }

  private static String safe(String s) {
    return s.replaceAll(UNSAFE, "-");
  }

  private static List<String> parts(Cell cell) {
    List<String> parts = new ArrayList<>();
    parts.add(
        cell.get(Axis.DEVICE)
            + (cell.events().isPresent() ? "-ev" + cell.events().getAsInt() : ""));
    parts.add(
        cell.kdump()
            ? "kdump-" + cell.get(Axis.POST_NOTIFIERS)
            : "nokdump"
                + (cell.postNotifiers() == PostNotifiers.OFF
                    ? ""
                    : "-" + cell.get(Axis.POST_NOTIFIERS)));
    parts.add("panic-" + cell.get(Axis.PANIC));
    parts.add("shutdown-" + cell.get(Axis.SHUTDOWN));
    parts.add(cell.get(Axis.TRIGGER));
    if (cell.watchdogAction() != WatchdogAction.DEFAULT) {
      parts.add("wdt-" + cell.get(Axis.WATCHDOG));
    }
    if (cell.acpiOff()) {
      parts.add("acpi-off");
    }
    if (cell.userland() != dev.pvpanic.harness.image.Userland.MINIMAL) {
      parts.add(cell.userland().id());
    }
    cell.machineType().ifPresent(parts::add);
    if (cell.declaredAccelerator().filter(a -> a != Accelerator.TCG).isPresent()) {
      parts.add(cell.get(Axis.ACCELERATOR));
    }
    if (!cell.qemu().equals("host")) {
      parts.add("qemu-" + cell.qemu());
    }
    if (cell.recovers() || cell.dumps()) {
      parts.add(cell.get(Axis.AFTER));
    }
    if (!cell.kernelArgs().isEmpty()) {
      parts.add("kargs-" + shortHash(cell.kernelArgs()));
    }
    if (!cell.qemuArgs().isEmpty()) {
      parts.add("qargs-" + shortHash(cell.get(Axis.QEMU_ARGS)));
    }
    return parts.stream().map(CellIdentity::safe).collect(Collectors.toList());
  }

  /** Eight hex digits naming free text in an id (ids stay short and path-safe). */
  private static String shortHash(String text) {
    return String.format("%08x", text.hashCode());
  }

  private static String displayName(Cell cell) {
    StringBuilder sb = new StringBuilder();
    cell.name().ifPresent(n -> sb.append(n).append(": "));
    sb.append(cell.recipe()).append(' ').append(cell.device());
    sb.append(cell.kdump() ? " kdump" : " no-kdump");
    if (cell.postNotifiers() != PostNotifiers.OFF) {
      sb.append(" post_notifiers=").append(cell.get(Axis.POST_NOTIFIERS));
    }
    if (!cell.actions().isDefault()) {
      sb.append(' ').append(cell.actions());
    }
    sb.append(' ').append(cell.get(Axis.TRIGGER)); // a watchdog action shows among the actions
    if (cell.acpiOff()) {
      sb.append(" acpi=off");
    }
    if (cell.userland() != dev.pvpanic.harness.image.Userland.MINIMAL) {
      sb.append(" userland=").append(cell.userland().id());
    }
    cell.machineType().ifPresent(m -> sb.append(" machine=").append(m));
    if (cell.declaredAccelerator().filter(a -> a != Accelerator.TCG).isPresent()) {
      sb.append(" accel=").append(cell.get(Axis.ACCELERATOR));
    }
    if (!cell.kernelArgs().isEmpty()) {
      sb.append(" +kernel[").append(shown(cell.kernelArgs())).append(']');
    }
    if (!cell.qemuArgs().isEmpty()) {
      sb.append(" +qemu[").append(shown(cell.get(Axis.QEMU_ARGS))).append(']');
    }
    if (!cell.qemu().equals("host")) {
      sb.append(" qemu=").append(cell.qemu());
    }
    if (cell.recovers() || cell.dumps()) {
      sb.append(" then ").append(cell.get(Axis.AFTER));
    }
    return sb.toString();
  }

  /** The longest free text a display name shows whole. */
  static final int SHOWN_ARGS = 120;

  /**
   * Free text as a display name shows it: whole up to {@link #SHOWN_ARGS} characters, else its
   * start, its length and the hash the id carries (two cells still differ in their display names),
   * so a refusal that follows the name (a 3,000-character kernel_args over the kernel's limit)
   * stays on the screen. cell.json's parameters keep the whole text.
   */
  static String shown(String text) {
    return text.length() <= SHOWN_ARGS
        ? text
        : text.substring(0, SHOWN_ARGS - 40)
            + "... ("
            + text.length()
            + " characters, "
            + shortHash(text)
            + ")";
  }

  private static String md5(String text) {
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
      return String.format("%032x", new BigInteger(1, md5));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }
}
