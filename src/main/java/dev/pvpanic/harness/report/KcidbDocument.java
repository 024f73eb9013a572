package dev.pvpanic.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.CellIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
  static final int MAJOR = 5;
  static final int MINOR = 3;

  private KcidbDocument() {}

  /** The KCIDB status of a verdict. */
  static String status(Verdict v) {
    return switch (v) {
      case PASS -> "PASS";
      case WRONG_GUEST_STATE, WRONG_EVENTS, QEMU_CRASHED, CAPTURE_FAILED -> "FAIL";
      case UNEXPECTED_PANIC, TIMEOUT -> "ERROR";
      case INFRASTRUCTURE_ERROR, INTERRUPTED -> "MISS";
      case NOT_APPLICABLE -> "SKIP";
    };
  }

  /**
   * Who submits and where the files are.
   *
   * @param origin the KCIDB origin ({@code [a-z0-9_]+}), the first part of every id
   * @param runId the run's id, the second part of every id: ids are unique per run, so a dashboard
   *     that merges objects by id keeps every run
   * @param artifactsUrl where the cells root (the folder holding {@code <config>/<cell>/}) is
   *     served; without it the document carries no URLs (KCIDB's {@code url} must be an absolute
   *     URI: kcidb-io refuses a relative one and a {@code file:} one is useless to a dashboard),
   *     only each cell's folder relative to the cells root in {@code misc.artifacts_path}
   */
  public record Submission(String origin, String runId, Optional<URI> artifactsUrl) {
    public Submission {
      if (!origin.matches("[a-z0-9_]+")) {
        throw new IllegalArgumentException("a KCIDB origin is [a-z0-9_]+, not " + origin);
      }
    }

    /** The settings' origin and artifacts URL, and the run id of {@code runs} (see RunFacts). */
    public static Submission of(Settings settings, List<RunFacts> runs) {
      return new Submission(
          settings.kcidbOrigin(), RunFacts.runIdOf(settings, runs), settings.artifactsUrl());
    }

    String id(String local) {
      return origin + ":" + runId + ":" + local;
    }
  }

  /** The document for {@code summary}'s cells. */
  public static JsonNode of(MatrixSummary summary, Submission sub) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("version").put("major", MAJOR).put("minor", MINOR);
    ArrayNode checkouts = root.putArray("checkouts");
    ArrayNode builds = root.putArray("builds");
    ArrayNode tests = root.putArray("tests");
    Locations files = new Locations(summary, sub.artifactsUrl());
    Map<String, ObjectNode> checkoutById = new LinkedHashMap<>();
    Map<String, ObjectNode> buildById = new LinkedHashMap<>();
    // a recipe's image manifest, from the first of its cells that has one (a cell whose image
    // never built has none)
    Map<String, CellManifest> manifests = new LinkedHashMap<>();
    for (CellSummary c : summary.cells()) {
      CellManifest m = CellManifest.read(c.folder());
      if (m.file().isPresent()) {
        manifests.putIfAbsent(c.recipe().name(), m);
      }
    }
    for (CellSummary c : summary.cells()) {
      String recipe = c.recipe().name();
      CellManifest m = manifests.getOrDefault(recipe, CellManifest.NONE);
      String checkoutId = sub.id(m.kernelRelease().orElse(recipe));
      checkoutById.computeIfAbsent(
          checkoutId,
          id -> {
            ObjectNode o = checkouts.addObject();
            o.put("id", id).put("origin", sub.origin()).put("tree_name", "debian");
            o.put(
                "comment",
                "Debian kernel " + m.kernelRelease().orElse("(release unknown: " + recipe + ")"));
            o.put("valid", true);
            o.putObject("misc").put("run_id", sub.runId());
            m.node().ifPresent(n -> KcidbKernel.checkout(o, n));
            return o;
          });
      String buildId = sub.id(recipe);
      buildById.computeIfAbsent(
          buildId,
          id -> {
            ObjectNode b = builds.addObject();
            b.put("id", id).put("origin", sub.origin()).put("checkout_id", checkoutId);
            b.put("architecture", kernelArch(c.recipe().arch()));
            b.put("config_name", "debian");
            b.put("comment", "image recipe " + recipe);
            b.put("status", "PASS");
            m.file()
                .flatMap(files::url)
                .ifPresent(u -> resource(b.putArray("input_files"), m.file().get(), u));
            b.putObject("misc").put("recipe", recipe).put("run_id", sub.runId());
            m.node().ifPresent(n -> KcidbKernel.build(b, n));
            return b;
          });
      tests.add(test(c, sub, buildId, files));
    }
    return root;
  }

  private static ObjectNode test(CellSummary c, Submission sub, String buildId, Locations files) {
    ObjectNode t = Json.MAPPER.createObjectNode();
    CellIdentity identity = c.identity();
    t.put("id", identity.kcidbTestId(sub.origin(), sub.runId()));
    t.put("origin", sub.origin()).put("build_id", buildId);
    t.put("path", identity.kcidbPath());
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
      files.url(console).ifPresent(u -> t.put("log_url", u));
    }
    if (sub.artifactsUrl().isPresent()) {
      ArrayNode out = t.putArray("output_files");
      artifacts(c.folder()).forEach(f -> files.url(f).ifPresent(u -> resource(out, f, u)));
    }
    ObjectNode misc = t.putObject("misc");
    misc.put("verdict", c.verdict().name());
    misc.put("run_id", sub.runId());
    misc.put("artifacts_path", files.relative(c.folder()) + "/");
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

  /** {@code [a-zA-Z0-9_-]} only: anything else becomes {@code _}, runs collapsed. */
  static String token(String s) {
    return CellIdentity.kcidbToken(s);
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

  private static void resource(ArrayNode list, Path file, String url) {
    list.addObject().put("name", file.getFileName().toString()).put("url", url);
  }

  /** Where a cell's files are, relative to the cells root, and their URLs under a base URL. */
  private record Locations(Path cellsRoot, Optional<URI> base) {
    Locations(MatrixSummary summary, Optional<URI> base) {
      this(summary.cellsFolder().getParent(), base);
    }

    /** {@code <config>/<cell>/<file>}, with {@code /} whatever the platform. */
    String relative(Path file) {
      Path rel = cellsRoot.relativize(file.toAbsolutePath().normalize());
      List<String> parts = new java.util.ArrayList<>();
      rel.forEach(p -> parts.add(p.toString()));
      return String.join("/", parts);
    }

    Optional<String> url(Path file) {
      return base.map(
          b -> {
            StringBuilder u = new StringBuilder(b.toString());
            for (String part : relative(file).split("/")) {
              u.append('/')
                  .append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
            }
            return u.toString();
          });
    }
  }

  private static List<Path> artifacts(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Writes the document for {@code summary} to {@code file}. */
  public static void write(MatrixSummary summary, Submission sub, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Json.PRETTY.writeValue(file.toFile(), of(summary, sub));
    } catch (IOException e) {
      throw new ReportException("cannot write " + file.toAbsolutePath() + ": " + e, e);
    }
  }
}
