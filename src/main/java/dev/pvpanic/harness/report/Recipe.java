package dev.pvpanic.harness.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A grid row: an image recipe name such as {@code aarch64-6.12-bpo}, split into its architecture
 * (the part before the first {@code -}) and its kernel. Rows sort by architecture (x86_64 first,
 * then aarch64, then riscv64, then any other) and then by kernel version in numeric order (5.10
 * before 6.1 before 6.12 before 7.x).
 */
record Recipe(String name, String arch, String kernel) implements Comparable<Recipe> {
  private static final List<String> ARCH_ORDER = List.of("x86_64", "aarch64", "riscv64");
  private static final Pattern CHUNK = Pattern.compile("\\d+|\\D+");

  static Recipe parse(String name) {
    int dash = name.indexOf('-');
    return dash < 0
        ? new Recipe(name, name, "")
        : new Recipe(name, name.substring(0, dash), name.substring(dash + 1));
  }

  @Override
  public int compareTo(Recipe o) {
    int a = Integer.compare(archRank(arch), archRank(o.arch));
    if (a != 0) {
      return a;
    }
    a = arch.compareTo(o.arch);
    return a != 0 ? a : compareNatural(kernel, o.kernel);
  }

  private static int archRank(String arch) {
    int i = ARCH_ORDER.indexOf(arch);
    return i < 0 ? ARCH_ORDER.size() : i;
  }

  /** Compares digit runs as numbers and everything else as text: 6.1 before 6.12-bpo. */
  static int compareNatural(String x, String y) {
    List<String> a = chunks(x);
    List<String> b = chunks(y);
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String p = a.get(i);
      String q = b.get(i);
      boolean digits = Character.isDigit(p.charAt(0)) && Character.isDigit(q.charAt(0));
      int c =
          digits ? Long.compare(Long.parseLong(cap(p)), Long.parseLong(cap(q))) : p.compareTo(q);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static String cap(String digits) {
    return digits.length() > 18 ? digits.substring(0, 18) : digits;
  }

  private static List<String> chunks(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = CHUNK.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
