package dev.pvpanic.harness.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a debian userland's system declares, read from its files as installed (before any guest
 * runs): how kdump-tools is configured and whether a tmpfiles line forces {@code
 * crash_kexec_post_notifiers} on. These go into the image manifest and are the oracle's inputs for
 * that userland; nothing the running guest prints is.
 *
 * @param useKdump {@code USE_KDUMP} of /etc/default/kdump-tools (kdump-tools loads nothing at boot
 *     when it is 0)
 * @param cmdlineAppend what kdump-tools appends to the capture kernel's command line: {@code
 *     KDUMP_CMDLINE_APPEND} of /etc/default/kdump-tools, else kdump-config's own default
 * @param crashkernel the reservation kdump-tools sets in GRUB
 *     (/etc/default/grub.d/kdump-tools.cfg), e.g. {@code 384M-:128M}; the harness passes it on the
 *     kernel command line as GRUB would
 * @param forcingLine the active tmpfiles.d line that writes {@code Y} to crash_kexec_post_notifiers
 *     at boot, when there is one (systemd v246's systemd-pstore.conf had it, fixed in v247)
 */
public record SystemFacts(
    boolean useKdump, String cmdlineAppend, String crashkernel, Optional<String> forcingLine) {

  private static final Pattern GRUB_CRASHKERNEL = Pattern.compile("crashkernel=([^\\s\"]+)");
  private static final Pattern APPEND_DEFAULT =
      Pattern.compile("KDUMP_CMDLINE_APPEND=\\$\\{KDUMP_CMDLINE_APPEND:=\"([^\"]*)\"}");
  private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([A-Z_]+)=\"?([^\"]*)\"?\\s*$");

  /**
   * The facts of the system installed under {@code root}.
   *
   * @throws RecipeException when kdump-tools is not installed there (no kdump-config)
   */
  public static SystemFacts read(Path root) {
    Path kdumpConfig = root.resolve("usr/sbin/kdump-config");
    if (!Files.isRegularFile(kdumpConfig)) {
      throw new RecipeException(
          "the debian userland under " + root + " has no usr/sbin/kdump-config (kdump-tools)");
    }
    Map<String, String> defaults = assignments(root.resolve("etc/default/kdump-tools"));
    String append =
        Optional.ofNullable(defaults.get("KDUMP_CMDLINE_APPEND"))
            .or(() -> first(APPEND_DEFAULT, text(kdumpConfig)))
            .orElse("");
    String crashkernel =
        first(GRUB_CRASHKERNEL, text(root.resolve("etc/default/grub.d/kdump-tools.cfg")))
            .orElse("");
    Optional<String> forcing = forcingLine(root);
    return new SystemFacts(
        !"0".equals(defaults.getOrDefault("USE_KDUMP", "0").strip()), append, crashkernel, forcing);
  }

  /**
   * The first active tmpfiles.d line (etc/tmpfiles.d, run/tmpfiles.d, usr/lib/tmpfiles.d) that
   * writes to crash_kexec_post_notifiers.
   */
  static Optional<String> forcingLine(Path root) {
    for (String dir : List.of("etc/tmpfiles.d", "run/tmpfiles.d", "usr/lib/tmpfiles.d")) {
      Path d = root.resolve(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
          for (String line : text(f).split("\n")) {
            String l = line.strip();
            if (!l.startsWith("#")
                && l.matches("^w[+-]?\\s+\\S*crash_kexec_post_notifiers\\s.*")
                && l.matches(".*\\s[Yy1]$")) {
              return Optional.of(root.relativize(f) + ": " + l);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  /** What the oracle needs of these facts: what happens at boot. */
  public dev.pvpanic.harness.oracle.SystemServices services() {
    return new dev.pvpanic.harness.oracle.SystemServices(useKdump, forcingLine);
  }

  /** The facts as the manifest records them. */
  public Map<String, Object> toManifest() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("useKdump", useKdump);
    m.put("kdumpCmdlineAppend", cmdlineAppend);
    m.put("crashkernel", crashkernel);
    forcingLine.ifPresent(l -> m.put("forcingLine", l));
    return m;
  }

  /** The facts a manifest recorded ({@link #toManifest}). */
  public static SystemFacts fromManifest(Map<?, ?> m) {
    return new SystemFacts(
        Boolean.TRUE.equals(m.get("useKdump")),
        String.valueOf(m.get("kdumpCmdlineAppend")),
        String.valueOf(m.get("crashkernel")),
        Optional.ofNullable(m.get("forcingLine")).map(String::valueOf));
  }

  /**
   * The smallest guest memory the reservation leaves room for, in MiB: the low end of the first
   * range of {@code crashkernel=<start>-[end]:<size>} (kdump-tools' 384M-:128M reserves nothing
   * below 384 MiB, so kdump would never load), or twice a plain size.
   */
  public int minimumMemoryMb() {
    Matcher range = Pattern.compile("^(\\d+)([MG])-").matcher(crashkernel);
    if (range.find()) {
      return mb(range.group(1), range.group(2));
    }
    Matcher plain = Pattern.compile("^(\\d+)([MG])$").matcher(crashkernel);
    return plain.find() ? 2 * mb(plain.group(1), plain.group(2)) : 0;
  }

  private static int mb(String n, String unit) {
    return Integer.parseInt(n) * (unit.equals("G") ? 1024 : 1);
  }

  private static Map<String, String> assignments(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text(file).split("\n")) {
      Matcher m = ASSIGNMENT.matcher(line);
      if (m.matches()) {
        out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }

  private static Optional<String> first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String text(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
