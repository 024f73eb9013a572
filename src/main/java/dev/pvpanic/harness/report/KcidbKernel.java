package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * What KCIDB's checkout and build say about a user's own kernel, from the image manifest: a build
 * folder is its own checkout (the source's git repository, commit, {@code git describe}, branch)
 * and build (compiler, architecture, the config's hash); a kernel package file is its package name
 * and version. A Debian recipe's kernel keeps what {@link KcidbDocument} says of it.
 */
final class KcidbKernel {
  private KcidbKernel() {}

  /** Fills {@code checkout} from {@code manifest} when the kernel is the user's own. */
  static void checkout(ObjectNode checkout, JsonNode manifest) {
    String source = manifest.path("kernelSource").asText("");
    String release = manifest.path("kernelRelease").asText("");
    JsonNode build = manifest.path("kernelBuild");
    JsonNode pkg = manifest.path("kernelPackage");
    switch (source) {
      case "build", "files" -> {
        JsonNode git = build.path("git");
        checkout.put("tree_name", treeName(git, source));
        if (git.path("commit").asText("").matches("[0-9a-f]{40}")) {
          checkout.put("git_commit_hash", git.path("commit").asText());
          // kcidb-io's v5.3 schema takes https:// repository URLs only: a local checkout with
          // no such remote is named in misc instead
          String url = git.path("repository").asText("");
          if (url.startsWith("https://")) {
            checkout.put("git_repository_url", url);
          } else {
            misc(checkout).put("git_tree", git.path("tree").asText(""));
          }
          if (git.hasNonNull("describe")) {
            checkout.put("git_commit_name", git.path("describe").asText());
          }
          String branch = git.path("branch").asText("");
          if (!branch.isEmpty() && !branch.equals("HEAD")) {
            checkout.put("git_repository_branch", branch);
          }
        }
        checkout.put(
            "comment",
            ("build".equals(source)
                    ? "kernel build folder " + build.path("folder").asText()
                    : "kernel files")
                + ", release "
                + release
                + (git.path("dirty").asBoolean(false)
                    ? " (the checkout has uncommitted changes)"
                    : ""));
        ObjectNode misc = misc(checkout).put("kernel_source", source);
        if (git.has("dirty")) {
          misc.put("dirty", git.path("dirty").asBoolean());
        }
      }
      case "deb" -> {
        checkout.put("tree_name", "deb");
        checkout.put(
            "comment",
            "kernel package "
                + pkg.path("package").asText()
                + " "
                + pkg.path("version").asText()
                + ", release "
                + release);
        misc(checkout)
            .put("kernel_source", "deb")
            .put("package", pkg.path("package").asText())
            .put("version", pkg.path("version").asText())
            .put("sha256", pkg.path("sha256").asText());
      }
      default -> {}
    }
  }

  /** Fills {@code build} from {@code manifest} when the kernel is the user's own. */
  static void build(ObjectNode build, JsonNode manifest) {
    String source = manifest.path("kernelSource").asText("");
    JsonNode kb = manifest.path("kernelBuild");
    ObjectNode misc = misc(build);
    if (!source.isEmpty() && !"debian".equals(source) && manifest.hasNonNull("arch")) {
      // a user's kernel is named by its path, not '<arch>-<series>': the image says its arch
      build.put("architecture", KcidbDocument.kernelArch(manifest.path("arch").asText()));
    }
    switch (source) {
      case "build", "files" -> {
        if (kb.hasNonNull("compiler")) {
          build.put("compiler", kb.path("compiler").asText());
        }
        build.put("config_name", source + ":" + kb.path("release").asText());
        build.put("comment", "the user's own kernel " + kb.path("release").asText());
        misc.put("boot_image_sha256", kb.path("bootImage").path("sha256").asText());
        misc.put("config_sha256", kb.path("config").path("sha256").asText());
        misc.put("modules_sha256", kb.path("modules").path("sha256").asText());
      }
      case "deb" -> {
        JsonNode pkg = manifest.path("kernelPackage");
        build.put("config_name", pkg.path("package").asText());
        build.put(
            "comment",
            "kernel package " + pkg.path("package").asText() + " " + pkg.path("version").asText());
        misc.put("package", pkg.path("package").asText());
        misc.put("version", pkg.path("version").asText());
      }
      default -> {}
    }
  }

  private static String treeName(JsonNode git, String source) {
    String tree = git.path("tree").asText("");
    return tree.isEmpty() ? source : Path.of(tree).getFileName().toString();
  }

  /** The object's misc, made if it has none. */
  private static ObjectNode misc(ObjectNode o) {
    return o.has("misc") ? (ObjectNode) o.get("misc") : o.putObject("misc");
  }
}
