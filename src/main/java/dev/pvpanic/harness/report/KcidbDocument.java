package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.scenario.CellArtifacts;
import dev.pvpanic.harness.scenario.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One run as KCIDB v5 JSON (Kernel CI's common report database, schema v5.3 of kcidb-io), so kernel
 * CI ingests it without glue: a checkout per Debian kernel release (the "source" under test), a
 * build per image recipe (that kernel packaged for one architecture; its input file is the image
 * manifest), a test per cell with a dot-separated path from the cell's scenario, the QEMU build as
 * the test's environment, and the cell's artifacts as output files. Verdicts map to KCIDB statuses
 * by whose fault they are: an oracle mismatch or a crashed QEMU is {@code FAIL}, a guest that never
 * got there (timeout, a panic while booting) is {@code ERROR}, an infrastructure error is {@code
 * MISS} (nothing was learned), a cell that cannot exist here is {@code SKIP}.
 */
public final class KcidbDocument {
  /** The KCIDB origin: the submitting CI system's name ({@code [a-z0-9_]+}). */
  public static final String ORIGIN = "pvpanic_harness";

  static final int MAJOR = 5;
  static final int MINOR = 3;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private KcidbDocument() {}

  /** The KCIDB status of a verdict. */
  static String status(Verdict v) {
    return switch (v) {
      case PASS -> "PASS";
      case WRONG_GUEST_STATE, WRONG_EVENTS, QEMU_CRASHED, CAPTURE_FAILED -> "FAIL";
      case UNEXPECTED_PANIC, TIMEOUT -> "ERROR";
      case INFRASTRUCTURE_ERROR -> "MISS";
      case NOT_APPLICABLE -> "SKIP";
    };
  }

  /** The document for {@code summary}'s cells. */
  public static JsonNode of(MatrixSummary summary) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("version").put("major", MAJOR).put("minor", MINOR);
    ArrayNode checkouts = root.putArray("checkouts");
    ArrayNode builds = root.putArray("builds");
    ArrayNode tests = root.putArray("tests");
    String run = token(summary.configName());
    Map<String, ObjectNode> checkoutById = new LinkedHashMap<>();
    Map<String, ObjectNode> buildById = new LinkedHashMap<>();
    for (CellSummary c : summary.cells()) {
      Manifest m = Manifest.read(c.folder());
      String recipe = c.recipe().name();
      String checkoutId = ORIGIN + ":" + run + ":" + m.kernelRelease().orElse(recipe);
      checkoutById.computeIfAbsent(
          checkoutId,
          id -> {
            ObjectNode o = checkouts.addObject();
            o.put("id", id).put("origin", ORIGIN).put("tree_name", "debian");
            o.put(
                "comment",
                "Debian kernel " + m.kernelRelease().orElse("(release unknown: " + recipe + ")"));
            o.put("valid", true);
            m.node().ifPresent(n -> KcidbKernel.checkout(o, n));
            return o;
          });
      String buildId = ORIGIN + ":" + run + ":" + token(recipe);
      buildById.computeIfAbsent(
          buildId,
          id -> {
            ObjectNode b = builds.addObject();
            b.put("id", id).put("origin", ORIGIN).put("checkout_id", checkoutId);
            b.put("architecture", kernelArch(c.recipe().arch()));
            b.put("config_name", "debian");
            b.put("comment", "image recipe " + recipe);
            b.put("status", "PASS");
            m.file().ifPresent(f -> resource(b.putArray("input_files"), f));
            b.putObject("misc").put("recipe", recipe);
            m.node().ifPresent(n -> KcidbKernel.build(b, n));
            return b;
          });
      tests.add(test(c, run, buildId));
    }
    return root;
  }

  private static ObjectNode test(CellSummary c, String run, String buildId) {
    ObjectNode t = JSON.createObjectNode();
    t.put("id", ORIGIN + ":" + run + ":" + c.id());
    t.put("origin", ORIGIN).put("build_id", buildId);
    t.put("path", path(c));
    t.put("status", status(c.verdict()));
    t.put("comment", c.name());
    c.time().ifPresent(d -> t.put("duration", d.toMillis() / 1000.0));
    ObjectNode env = t.putObject("environment");
    String build = c.parameters().getOrDefault("qemu", "host");
    env.put(
        "comment",
        "QEMU "
            + (c.qemuVersion().isBlank() ? "(did not run)" : c.qemuVersion())
            + " · "
            + build
            + (c.accelerator().isBlank() ? "" : " · " + c.accelerator()));
    ObjectNode envMisc = env.putObject("misc").put("qemu_build", build);
    envMisc.put("qemu_version", c.qemuVersion()).put("accelerator", c.accelerator());
    Path console = c.folder().resolve(CellArtifacts.CONSOLE);
    if (Files.isRegularFile(console)) {
      t.put("log_url", console.toUri().toString());
    }
    ArrayNode out = t.putArray("output_files");
    artifacts(c.folder()).forEach(f -> resource(out, f));
    ObjectNode misc = t.putObject("misc");
    misc.put("verdict", c.verdict().name());
    ObjectNode params = misc.putObject("parameters");
    c.parameters().forEach(params::put);
    String head = c.messageHead(12, 2000);
    if (!head.isBlank()) {
      misc.put("message", head);
    }
    c.regression()
        .ifPresent(
            r ->
                misc.putObject("injected_regression")
                    .put("what", r.what())
                    .put("verdict", r.verdict())
                    .put("caught", c.caught()));
    return t;
  }

  /** {@code pvpanic.pci.kdump_cmdline.panic_none}: the scenario, dot-separated. */
  static String path(CellSummary c) {
    StringBuilder p = new StringBuilder("pvpanic");
    for (String part : c.scenario().parts()) {
      String t = token(part);
      if (!t.isEmpty()) {
        p.append('.').append(t);
      }
    }
    return p.toString();
  }

  /** {@code [a-zA-Z0-9_-]} only: anything else becomes {@code _}, runs collapsed. */
  static String token(String s) {
    return s.replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
  }

  /** Linux's name for the architecture, as KCIDB builds give it. */
  static String kernelArch(String arch) {
    return switch (arch) {
      case "aarch64" -> "arm64";
      case "x86_64" -> "x86_64";
      case "riscv64" -> "riscv";
      default -> token(arch).toLowerCase(Locale.ROOT);
    };
  }

  private static void resource(ArrayNode list, Path file) {
    list.addObject().put("name", file.getFileName().toString()).put("url", file.toUri().toString());
  }

  private static List<Path> artifacts(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** What a cell's image-manifest.json says about its kernel, if the cell has one. */
  private record Manifest(
      Optional<Path> file, Optional<String> kernelRelease, Optional<JsonNode> node) {
    static Manifest read(Path folder) {
      Path f = folder.resolve(CellArtifacts.IMAGE_MANIFEST);
      if (!Files.isRegularFile(f)) {
        return new Manifest(Optional.empty(), Optional.empty(), Optional.empty());
      }
      try {
        JsonNode n = JSON.readTree(f.toFile());
        return new Manifest(
            Optional.of(f),
            Optional.ofNullable(n.path("kernelRelease").textValue()).filter(s -> !s.isBlank()),
            Optional.of(n));
      } catch (IOException e) {
        return new Manifest(Optional.of(f), Optional.empty(), Optional.empty());
      }
    }
  }

  /** Writes the document for {@code summary} to {@code file}. */
  public static void write(MatrixSummary summary, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), of(summary));
    } catch (IOException e) {
      throw new ReportException("cannot write " + file.toAbsolutePath() + ": " + e, e);
    }
  }
}
