package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.elf.ElfFormatException;
import dev.pvpanic.harness.elf.ElfHeaders;
import dev.pvpanic.harness.elf.ElfSections;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tukaani.xz.XZInputStream;

/**
 * What a kernel module says about itself: its ELF type and machine, and the {@code key=value}
 * strings of its {@code .modinfo} section (NUL-separated; a key such as {@code alias} may repeat).
 * The kernel refuses a module whose {@code vermagic} differs from its own, so this is read without
 * {@code modinfo} (kmod), which need not be installed and does not read foreign ELF on every host.
 *
 * @param file where it was read from
 * @param elfType {@code e_type}: {@link ElfHeaders#ET_REL} for every {@code .ko}
 * @param elfMachine {@code e_machine}, e.g. {@link dev.pvpanic.harness.elf.ElfMachine#AARCH64}
 * @param fields the {@code .modinfo} strings by key, values in file order
 */
public record ModuleInfo(Path file, int elfType, int elfMachine, Map<String, List<String>> fields) {

  private static final int MAX_MODULE_BYTES = 64 << 20;

  public ModuleInfo {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    fields.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    fields = Collections.unmodifiableMap(copy);
  }

  /** Reads a {@code .ko}, or a {@code .ko.xz} as Debian ships its own modules. */
  public static ModuleInfo read(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      InputStream in = file.getFileName().toString().endsWith(".xz") ? new XZInputStream(raw) : raw;
      byte[] bytes = in.readNBytes(MAX_MODULE_BYTES + 1);
      if (bytes.length > MAX_MODULE_BYTES) {
        throw new ModuleBuildException(file + " is larger than " + MAX_MODULE_BYTES + " bytes");
      }
      return parse(file, bytes);
    } catch (IOException e) {
      throw new ModuleBuildException("cannot read module " + file + ": " + e, e);
    }
  }

  /** Parses an ELF image held in memory ({@code file} only names it in errors). */
  public static ModuleInfo parse(Path file, byte[] elf) {
    if (elf.length < ElfHeaders.SMALLEST_HEADER || !ElfHeaders.hasMagic(elf)) {
      throw invalid(file, "not an ELF file");
    }
    ElfSections sections;
    byte[] modinfo;
    try {
      sections = ElfSections.parse(file.toString(), elf);
      modinfo =
          sections
              .bytes(".modinfo")
              .orElseThrow(() -> invalid(file, "no .modinfo section: not a kernel module"));
    } catch (ElfFormatException e) {
      throw new ModuleBuildException(e.getMessage(), e);
    }
    ElfHeaders headers = sections.headers();
    return new ModuleInfo(file, headers.type(), headers.machine(), fields(modinfo));
  }

  /** The {@code vermagic} string; throws when the module has none or several. */
  public String vermagic() {
    List<String> v = fields.getOrDefault("vermagic", List.of());
    if (v.size() != 1) {
      throw new ModuleBuildException(file + " has " + v.size() + " vermagic strings, expected 1");
    }
    return v.get(0);
  }

  /** The first value of {@code key}, e.g. {@code name} or {@code depends}. */
  public Optional<String> first(String key) {
    return fields.getOrDefault(key, List.of()).stream().findFirst();
  }

  private static Map<String, List<String>> fields(byte[] modinfo) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    int start = 0;
    for (int i = 0; i <= modinfo.length; i++) {
      if (i == modinfo.length || modinfo[i] == 0) {
        if (i > start) {
          String entry = new String(modinfo, start, i - start, StandardCharsets.UTF_8);
          int eq = entry.indexOf('=');
          if (eq > 0) {
            fields
                .computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>())
                .add(entry.substring(eq + 1));
          }
        }
        start = i + 1;
      }
    }
    return fields;
  }

  private static ModuleBuildException invalid(Path file, String why) {
    return new ModuleBuildException(file + ": " + why);
  }
}
