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
 * @param dumpUnreadable why the system's makedumpfile cannot read this kernel's memory, when it
 *     cannot (kdump-tools would then save an empty dump): from the kernel's own config in /boot and
 *     the installed makedumpfile's version
 * @param forcingLine the active tmpfiles.d line that writes {@code Y} to crash_kexec_post_notifiers
 *     at boot, when there is one (systemd v246's systemd-pstore.conf had it, fixed in v247)
 */
public record SystemFacts(
    boolean useKdump,
    String cmdlineAppend,
    String crashkernel,
    Optional<String> forcingLine,
    Optional<String> dumpUnreadable) {

  private static final Pattern GRUB_CRASHKERNEL = Pattern.compile("crashkernel=([^\\s\"]+)");
  private static final Pattern APPEND_DEFAULT =
      Pattern.compile("KDUMP_CMDLINE_APPEND=\\$\\{KDUMP_CMDLINE_APPEND:=\"([^\"]*)\"}");
  private static final Pattern ASSIGNMENT =
      Pattern.compile("^\\s*([A-Z0-9_]+)=\"?([^\"]*)\"?\\s*$");

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
        !"0".equals(defaults.getOrDefault("USE_KDUMP", "0").strip()),
        append,
        crashkernel,
        forcing,
        dumpUnreadable(root));
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

  /**
   * The last makedumpfile release checked (2026-12) without five-level arm64 page tables: upstream
   * commit b7587f1e8f45 "arm64: Add 5-level page table support for 4K pages with 52-bit VA" (May
   * 2026) is in no release up to it.
   */
  static final String MAKEDUMPFILE_WITHOUT_LPA2 = "1.7.9";

  /**
   * Why the makedumpfile installed under {@code root} cannot read the memory of the kernel in its
   * /boot, if so: an arm64 kernel with 52-bit virtual addresses on 4K pages
   * (CONFIG_ARM64_VA_BITS=52 and CONFIG_ARM64_4K_PAGES, five-level tables, Linux 6.9+; Debian's
   * arm64 kernels from 6.12) stops every released makedumpfile with "PAGE SIZE 0x1000 and VA Bits
   * 52 not supported" (arch/arm64.c), and kdump-tools then saves an empty dump.
   */
  static Optional<String> dumpUnreadable(Path root) {
    Optional<String> version = installedVersion(root, "makedumpfile");
    Map<String, String> config = new LinkedHashMap<>();
    try (Stream<Path> boot =
        Files.isDirectory(root.resolve("boot")) ? Files.list(root.resolve("boot")) : Stream.of()) {
      for (Path f : boot.filter(p -> p.getFileName().toString().startsWith("config-")).toList()) {
        config.putAll(assignments(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (version.isEmpty()
        || !"52".equals(config.get("CONFIG_ARM64_VA_BITS"))
        || !"y".equals(config.get("CONFIG_ARM64_4K_PAGES"))) {
      return Optional.empty();
    }
    String upstream = version.get().replaceFirst("^\\d+:", "").replaceFirst("-[^-]*$", "");
    if (dev.pvpanic.harness.image.debian.DebianVersion.parse(upstream)
            .compareTo(
                dev.pvpanic.harness.image.debian.DebianVersion.parse(MAKEDUMPFILE_WITHOUT_LPA2))
        > 0) {
      return Optional.empty();
    }
    return Optional.of(
        "the system's makedumpfile "
            + version.get()
            + " cannot read an arm64 kernel with 52-bit virtual addresses on 4K pages"
            + " (CONFIG_ARM64_VA_BITS=52, CONFIG_ARM64_4K_PAGES=y: five-level page tables): it stops"
            + " with \"PAGE SIZE 0x1000 and VA Bits 52 not supported\" and kdump-tools saves an"
            + " empty dump (support is makedumpfile commit b7587f1e8f45, in no release up to "
            + MAKEDUMPFILE_WITHOUT_LPA2
            + "); an arm64 kernel with 48-bit VAs (Linux before 6.9, or 64K pages) is readable");
  }

  /** The version dpkg's status under {@code root} records for {@code pkg}. */
  private static Optional<String> installedVersion(Path root, String pkg) {
    String status = text(root.resolve("var/lib/dpkg/status"));
    for (String stanza : status.split("\n\n")) {
      if (stanza.startsWith("Package: " + pkg + "\n")
          || stanza.contains("\nPackage: " + pkg + "\n")) {
        Matcher m = Pattern.compile("(?m)^Version: (\\S+)").matcher(stanza);
        if (m.find()) {
          return Optional.of(m.group(1));
        }
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
    dumpUnreadable.ifPresent(r -> m.put("dumpUnreadable", r));
    return m;
  }

  /** The facts a manifest recorded ({@link #toManifest}). */
  public static SystemFacts fromManifest(Map<?, ?> m) {
    return new SystemFacts(
        Boolean.TRUE.equals(m.get("useKdump")),
        String.valueOf(m.get("kdumpCmdlineAppend")),
        String.valueOf(m.get("crashkernel")),
        Optional.ofNullable(m.get("forcingLine")).map(String::valueOf),
        Optional.ofNullable(m.get("dumpUnreadable")).map(String::valueOf));
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
