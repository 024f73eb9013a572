package dev.pvpanic.harness.image.kmod;

import dev.pvpanic.harness.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code make} in a user's kernel build folder (in-tree, or the {@code O=} folder, whose generated
 * Makefile forwards to the source), with the tree's own architecture and cross prefix: kbuild would
 * otherwise take the host's {@code ARCH} and reconfigure a foreign tree. Only targets that write
 * outside the tree (modules_install into {@code INSTALL_MOD_PATH}, an external module in its own
 * {@code M=} folder) or that a person asked for ({@code --make}) are run.
 *
 * @param folder the build folder
 * @param arch the tree's architecture (from its {@code .config})
 * @param crossPrefix {@code CROSS_COMPILE}, empty for a native tree
 */
public record TreeMake(Path folder, KernelArch arch, String crossPrefix) {

  /** Long enough for a whole kernel on two cores, short enough to end a hung make. */
  static final Duration BUILD_TIMEOUT = Duration.ofHours(3);

  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(20);

  /** A cross gcc as the config names it: {@code aarch64-linux-gnu-gcc}, {@code ...-gcc-14}. */
  private static final java.util.regex.Pattern CROSS_GCC =
      java.util.regex.Pattern.compile("^(.+-)gcc(?:-\\d+)?$");

  /**
   * The tree's make: the cross prefix comes from the compiler the tree was configured with ({@code
   * CONFIG_CC_VERSION_TEXT}, e.g. "aarch64-linux-gnu-gcc (Debian 14.2.0-19) 14.2.0"), or is the
   * architecture's Debian triplet when the host is another architecture.
   */
  public static TreeMake of(Path folder, KernelArch arch, Optional<String> ccVersionText) {
    String prefix = "";
    String cc = ccVersionText.map(t -> t.strip().split("\\s+")[0]).orElse("");
    java.util.regex.Matcher m = CROSS_GCC.matcher(cc);
    if (m.matches()) {
      prefix = m.group(1);
    } else if (!arch.equals(hostArch())) {
      prefix = arch.crossPrefix();
    }
    return new TreeMake(folder, arch, prefix);
  }

  private static KernelArch hostArch() {
    try {
      return KernelArch.parse(Settings.hostArch());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code make modules_install} into {@code dest} (stripped), its output in {@code log}: what the
   * guest loads is what the tree built. Throws {@link ModuleBuildException} with make's last lines.
   */
  public void modulesInstall(Path dest, Path log) {
    run(
        List.of(
            "modules_install", "INSTALL_MOD_PATH=" + dest.toAbsolutePath(), "INSTALL_MOD_STRIP=1"),
        log,
        INSTALL_TIMEOUT);
  }

  /** {@code make M=<moduleDir> modules}: an external module against the tree itself. */
  public void externalModule(Path moduleDir, Path log) {
    run(List.of("M=" + moduleDir.toAbsolutePath(), "modules"), log, INSTALL_TIMEOUT);
  }

  /** {@code make -j<jobs> <targets>}: building the tree, when a person asked for it. */
  public void build(List<String> targets, int jobs, Path log) {
    List<String> args = new ArrayList<>();
    args.add("-j" + jobs);
    args.addAll(targets);
    run(args, log, BUILD_TIMEOUT);
  }

  /**
   * The {@code ARCH=} a tree of {@code arch} was most likely configured with: {@code x86_64} for
   * x86 (what a plain make on an x86_64 host uses, {@code uname -m}), not {@code x86}: kconfig
   * records ARCH, and another value would re-run syncconfig inside the tree.
   */
  public static String makeArch(KernelArch arch) {
    return arch == KernelArch.X86_64 ? "x86_64" : arch.kbuildArch();
  }

  private void run(List<String> args, Path log, Duration timeout) {
    List<String> argv = new ArrayList<>(List.of("make", "-C", folder.toString()));
    argv.add("ARCH=" + makeArch(arch));
    if (!crossPrefix.isEmpty()) {
      argv.add("CROSS_COMPILE=" + crossPrefix);
    }
    argv.addAll(args);
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new LoggedCommand(argv, folder, Map.of()).run(log, timeout);
  }
}
