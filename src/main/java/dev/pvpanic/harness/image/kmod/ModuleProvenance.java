package dev.pvpanic.harness.image.kmod;

import java.util.List;
import java.util.Map;

/**
 * Where built modules came from, for the image manifest: enough to rebuild them the same way.
 *
 * @param source the package holding the kernel source, e.g. linux-source-6.12
 * @param buildTree the headers, headers-common and kbuild packages built against
 * @param compiler the first line of the compiler's {@code --version}
 * @param makeCommand the make argv, with {@code <headers>} for the folder the packages were
 *     extracted to and {@code <module-dir>} for the build folder
 * @param vermagic the modules' vermagic (the kernel loads them only if it equals its own)
 * @param sha256 file name to SHA-256 (hex) of each built module
 */
public record ModuleProvenance(
    PackageRef source,
    List<PackageRef> buildTree,
    String compiler,
    List<String> makeCommand,
    String vermagic,
    Map<String, String> sha256) {

  public ModuleProvenance {
    buildTree = List.copyOf(buildTree);
    makeCommand = List.copyOf(makeCommand);
    sha256 = Map.copyOf(sha256);
  }
}
