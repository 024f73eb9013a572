package dev.pvpanic.harness.image.kmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A kernel's headers and kbuild, extracted from Debian's {@code .deb}s into one private folder
 * (never installed), made usable in place.
 *
 * <p>Debian's packages assume they are installed at {@code /}. Two kinds of reference point there:
 *
 * <ul>
 *   <li>absolute symlinks: {@code lib/modules/<release>/build -> /usr/src/linux-headers-<release>}
 *       and {@code source -> /usr/src/linux-headers-<abi>-common}. Each absolute link whose target
 *       exists inside the folder becomes a relative link to it (the package's relative links, e.g.
 *       {@code usr/src/linux-headers-<release>/scripts -> ../../lib/linux-kbuild-<abi>/scripts},
 *       already work);
 *   <li>the flavour's one-line Makefile, {@code include
 *       /usr/src/linux-headers-<abi>-common/Makefile}: a file, not a link. It is rewritten to the
 *       absolute path of that Makefile inside the folder (kbuild resolves the source tree from it).
 *       From 7.x it also sets {@code KBUILD_OUTPUT=/usr/src/linux-headers-<release>}, rewritten the
 *       same way.
 * </ul>
 *
 * Both rewrites are idempotent, so a cached folder can be prepared again.
 */
public final class HeaderTree {

  // include /usr/src/...-common/Makefile; from 7.x also
  // KBUILD_OUTPUT=/usr/src/linux-headers-<release>
  private static final Pattern INCLUDE =
      Pattern.compile("^(include\\s+|KBUILD_OUTPUT\\s*:?=\\s*)(/\\S+)\\s*$");

  private final Path root;
  private final KernelPackages packages;

  private HeaderTree(Path root, KernelPackages packages) {
    this.root = root;
    this.packages = packages;
  }

  /**
   * Rewrites the folder's references to {@code /} and checks that the three packages of {@link
   * KernelPackages#buildTree()} are all in it.
   */
  public static HeaderTree prepare(Path root, KernelPackages packages) {
    Path absRoot = root.toAbsolutePath().normalize();
    HeaderTree tree = new HeaderTree(absRoot, packages);
    tree.requireDirectory(tree.buildDir(), packages.headers());
    tree.requireDirectory(tree.commonDir(), packages.headersCommon());
    tree.requireDirectory(absRoot.resolve("usr/lib/" + packages.kbuild()), packages.kbuild());
    relinkAbsoluteSymlinks(absRoot);
    rewriteIncludes(tree.buildDir().resolve("Makefile"), absRoot);
    tree.requireFile(".config", packages.headers(), false);
    tree.requireFile("Module.symvers", packages.headers(), false);
    tree.requireFile("scripts/basic/fixdep", packages.kbuild(), true);
    tree.requireFile("scripts/mod/modpost", packages.kbuild(), true);
    return tree;
  }

  /** {@code usr/src/linux-headers-<release>}: where {@code make -C} goes. */
  public Path buildDir() {
    return root.resolve("usr/src/" + packages.headers());
  }

  /** {@code usr/src/linux-headers-<abi>-common}: the kernel's top Makefile and source headers. */
  public Path commonDir() {
    return root.resolve("usr/src/" + packages.headersCommon());
  }

  /** A value from the flavour's {@code .config}, without quotes; empty when not set. */
  public Optional<String> config(String symbol) {
    String prefix = symbol + "=";
    try (Stream<String> lines = Files.lines(buildDir().resolve(".config"))) {
      return lines
          .filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(prefix.length()))
          .map(v -> v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? unquote(v) : v)
          .findFirst();
    } catch (IOException e) {
      throw new ModuleBuildException("cannot read " + buildDir().resolve(".config") + ": " + e, e);
    }
  }

  /**
   * Turns every absolute symlink under {@code root} whose target exists under {@code root} into a
   * relative one; returns the links changed. Links to anything outside are left alone.
   */
  static List<Path> relinkAbsoluteSymlinks(Path root) {
    List<Path> links;
    try (Stream<Path> walk = Files.walk(root)) { // does not follow links: no cycles
      links = walk.filter(Files::isSymbolicLink).toList();
    } catch (IOException e) {
      throw new ModuleBuildException("cannot walk " + root + ": " + e, e);
    }
    List<Path> changed = new ArrayList<>();
    for (Path link : links) {
      try {
        Path target = Files.readSymbolicLink(link);
        if (!target.isAbsolute()) {
          continue;
        }
        Path inTree = root.resolve(target.getRoot().relativize(target)).normalize();
        if (!inTree.startsWith(root) || !Files.exists(inTree, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Files.delete(link);
        Files.createSymbolicLink(link, link.getParent().relativize(inTree));
        changed.add(link);
      } catch (IOException e) {
        throw new ModuleBuildException("cannot rewrite symlink " + link + ": " + e, e);
      }
    }
    return changed;
  }

  /**
   * Points each {@code include /abs/path} (and {@code KBUILD_OUTPUT=/abs/path}) line of a Makefile
   * at the same path under {@code root} when it exists there; returns whether the file changed.
   */
  static boolean rewriteIncludes(Path makefile, Path root) {
    try {
      List<String> lines = Files.readAllLines(makefile, StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(lines.size());
      boolean changed = false;
      for (String line : lines) {
        Matcher m = INCLUDE.matcher(line);
        if (m.matches() && !Path.of(m.group(2)).startsWith(root)) {
          Path target = Path.of(m.group(2));
          Path inTree = root.resolve(target.getRoot().relativize(target)).normalize();
          if (inTree.startsWith(root) && Files.exists(inTree)) {
            out.add(m.group(1) + inTree);
            changed = true;
            continue;
          }
        }
        out.add(line);
      }
      if (changed) {
        Files.write(makefile, out, StandardCharsets.UTF_8);
      }
      return changed;
    } catch (IOException e) {
      throw new ModuleBuildException("cannot rewrite " + makefile + ": " + e, e);
    }
  }

  private void requireDirectory(Path dir, String pkg) {
    if (!Files.isDirectory(dir)) {
      throw new ModuleBuildException(
          "no "
              + root.relativize(dir)
              + " in "
              + root
              + ": extract "
              + pkg
              + "_"
              + packages.version()
              + " into it (the headers, headers-common and kbuild packages go into one folder)");
    }
  }

  private void requireFile(String relative, String pkg, boolean executable) {
    Path file = buildDir().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new ModuleBuildException(
          "no " + relative + " under " + buildDir() + " (it comes from " + pkg + ")");
    }
    if (executable && !Files.isExecutable(file)) {
      throw new ModuleBuildException(
          file + " is not executable: the .deb extraction must keep file modes (from " + pkg + ")");
    }
  }

  private static String unquote(String v) {
    return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }
}
