package dev.pvpanic.harness.report;

import dev.pvpanic.harness.matrix.Axis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A grid column: every parameter of a cell except its recipe and its QEMU build (each build has its
 * own grid, see {@link MatrixSummary#qemuGrids()}). Values equal to the axis default are dropped,
 * so a cell.json that spells a default out and one that leaves it away land in the same column, and
 * the label shows only what a person needs: {@code pci · kdump+cmdline · panic=none}.
 */
public record Scenario(Map<String, String> values) implements Comparable<Scenario> {
  /** The order parts appear in a label and columns sort by: device first, then kdump, actions. */
  private static final List<String> KEY_ORDER =
      List.of(
          "device",
          "events",
          "kdump",
          "post_notifiers",
          "panic",
          "shutdown",
          "trigger",
          "acpi",
          "machine_type",
          "accelerator");

  private static final List<String> DEVICE_ORDER = List.of("pci", "isa", "none");

  public Scenario {
    TreeMap<String, String> kept = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (!k.equals("recipe") && !k.equals("qemu") && !isDefault(k, v)) {
            kept.put(k, v);
          }
        });
    values = Collections.unmodifiableMap(kept);
  }

  private static boolean isDefault(String key, String value) {
    return Axis.byKey(key).map(a -> a.isDefault(value)).orElse(false);
  }

  /** A parameter's value, with the axis default where the cell left it away. */
  String get(String key) {
    String v = values.get(key);
    if (v != null) {
      return v;
    }
    return Axis.byKey(key).map(Axis::defaultValue).orElse("");
  }

  /** The label's parts, one per line in a grid header. */
  public List<String> parts() {
    List<String> parts = new ArrayList<>();
    String device = get("device");
    String dev = device.equals("none") ? "no device" : device;
    parts.add(values.containsKey("events") ? dev + " events=" + get("events") : dev);
    String notifiers = get("post_notifiers");
    String kdump = get("kdump").equals("yes") ? "kdump" : "no-kdump";
    parts.add(notifiers.equals("off") ? kdump : kdump + "+" + notifiers);
    addIfSet(parts, "panic", "panic=");
    addIfSet(parts, "shutdown", "shutdown=");
    if (values.containsKey("trigger")) {
      parts.add(get("trigger"));
    }
    addIfSet(parts, "acpi", "acpi=");
    addIfSet(parts, "machine_type", "machine=");
    addIfSet(parts, "accelerator", "accel=");
    values.forEach(
        (k, v) -> {
          if (!KEY_ORDER.contains(k)) {
            parts.add(k + "=" + v);
          }
        });
    return parts;
  }

  private void addIfSet(List<String> parts, String key, String prefix) {
    if (values.containsKey(key)) {
      parts.add(prefix + values.get(key));
    }
  }

  public String label() {
    return String.join(" · ", parts());
  }

  /** Every parameter spelled out, for a tooltip. */
  String fullText() {
    List<String> all = new ArrayList<>();
    for (String k : KEY_ORDER) {
      all.add(k + "=" + get(k));
    }
    values.forEach(
        (k, v) -> {
          if (!KEY_ORDER.contains(k)) {
            all.add(k + "=" + v);
          }
        });
    return String.join("\n", all);
  }

  @Override
  public int compareTo(Scenario o) {
    for (String k : KEY_ORDER) {
      int c = compareValue(k, get(k), o.get(k));
      if (c != 0) {
        return c;
      }
    }
    return label().compareTo(o.label());
  }

  /**
   * Values of a known axis sort in the axis's own order (off, cmdline, runtime), others by text;
   * devices go pci, isa, none so the controls without a device come last.
   */
  private static int compareValue(String key, String a, String b) {
    Optional<List<String>> order =
        key.equals("device")
            ? Optional.of(DEVICE_ORDER)
            : Axis.byKey(key).map(Axis::validValues).filter(v -> !v.isEmpty());
    if (order.isPresent()) {
      int c = Integer.compare(rank(order.get(), a), rank(order.get(), b));
      if (c != 0) {
        return c;
      }
    }
    return a.compareTo(b);
  }

  private static int rank(List<String> valid, String v) {
    int i = valid.indexOf(v);
    return i < 0 ? valid.size() : i;
  }
}
