package dev.pvpanic.harness.report;

import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.matrix.Shard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a run (one JVM running cells: the JUnit matrix or {@code pvpanic matrix}, one shard of it)
 * says about itself, written next to its cells ({@code
 * <build>/cells/<config>/run[-shard-KofN].json}) when it starts, for the report made later, maybe
 * on another machine: the run id every KCIDB id carries, the machine that ran the cells, the
 * harness's commit and the config.
 *
 * @param runId {@code pvh.run-id} / {@code PVH_RUN_ID} (CI passes its pipeline id), else a UTC time
 *     and a random suffix, unique per run
 * @param config the guest config file
 * @param shard the shard, e.g. {@code 2/3}; empty for the whole matrix
 * @param commit the harness's git commit, with {@code +dirty} when its tracked files were changed;
 *     {@code unknown} outside a checkout
 * @param host the kernel and architecture of the machine the cells ran on, as {@code uname -srm}
 * @param cores the processors the JVM saw
 * @param started when the run started, ISO-8601 UTC
 */
public record RunFacts(
    String runId,
    String config,
    String shard,
    String commit,
    String host,
    int cores,
    String java,
    String started) {

  private static final String PREFIX = "run";
  private static final DateTimeFormatter COMPACT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The facts of a run of {@code shard} ({@code 1/1} for the whole) starting now here. */
  public static RunFacts now(Settings settings, Path config, Shard shard) {
    Instant start = Instant.now();
    return new RunFacts(
        settings.runId().orElseGet(() -> newRunId(start)),
        config.toString(),
        shard.count() == 1 ? "" : shard.toString(),
        commit(settings.home()),
        System.getProperty("os.name", "?")
            + " "
            + System.getProperty("os.version", "?")
            + " "
            + System.getProperty("os.arch", "?"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version", "?"),
        start.toString());
  }

  /** A new run id: the UTC time and 32 random bits, e.g. {@code 20250611T101502Z-3fa9c1d2}. */
  public static String newRunId(Instant at) {
    return COMPACT.format(at) + "-" + String.format("%08x", RANDOM.nextInt());
  }

  /** Writes {@code <cellsFolder>/run[-shard-KofN].json}, replacing this shard's earlier one. */
  public void writeTo(Path cellsFolder) {
    Path file =
        cellsFolder.resolve(
            PREFIX + (shard.isEmpty() ? "" : "-shard-" + shard.replace("/", "of")) + ".json");
    try {
      Files.createDirectories(cellsFolder);
      Files.writeString(file, Json.PRETTY.writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReportException("cannot write " + file + ": " + e, e);
    }
  }

  /** Every run's facts in {@code cellsFolder} (one per shard that ran there), by file name. */
  public static List<RunFacts> readAll(Path cellsFolder) {
    List<RunFacts> out = new ArrayList<>();
    if (!Files.isDirectory(cellsFolder)) {
      return out;
    }
    try (Stream<Path> files = Files.list(cellsFolder)) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.getFileName().toString().matches(PREFIX + "(-shard-[^/]+)?\\.json"))
              .sorted()
              .toList()) {
        out.add(Json.TOLERANT.readValue(f.toFile(), RunFacts.class));
      }
    } catch (IOException e) {
      throw new ReportException("cannot read the run facts in " + cellsFolder + ": " + e, e);
    }
    return out;
  }

  /**
   * The run id of a report: the setting when given; else the one every shard recorded, or theirs
   * joined with {@code +} when the shards made their own; else a new one (cells of no recorded
   * run).
   */
  public static String runIdOf(Settings settings, List<RunFacts> runs) {
    Optional<String> set = settings.runId();
    if (set.isPresent()) {
      return set.get();
    }
    List<String> ids = runs.stream().map(RunFacts::runId).distinct().sorted().toList();
    return ids.isEmpty() ? newRunId(Instant.now()) : String.join("+", ids);
  }

  /**
   * The checkout's commit: git's answer when git is there, else read from {@code .git} (a CI job
   * may have no git), else {@code unknown}.
   */
  static String commit(Path home) {
    Optional<String> head = git(home, "rev-parse", "HEAD");
    if (head.isPresent()) {
      boolean dirty =
          git(home, "status", "--porcelain", "--untracked-files=no")
              .map(s -> !s.isBlank())
              .orElse(false);
      return head.get() + (dirty ? "+dirty" : "");
    }
    return fromGitFolder(home).orElse("unknown");
  }

  private static Optional<String> git(Path home, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", home.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** HEAD from the files of {@code .git}: a folder, or a worktree's {@code gitdir:} file. */
  static Optional<String> fromGitFolder(Path home) {
    try {
      Path git = home.resolve(".git");
      if (Files.isRegularFile(git)) {
        String line = Files.readString(git).strip();
        if (!line.startsWith("gitdir:")) {
          return Optional.empty();
        }
        git = home.resolve(line.substring("gitdir:".length()).strip());
      }
      Path headFile = git.resolve("HEAD");
      if (!Files.isRegularFile(headFile)) {
        return Optional.empty();
      }
      String head = Files.readString(headFile).strip();
      if (!head.startsWith("ref:")) {
        return Optional.of(head);
      }
      String ref = head.substring("ref:".length()).strip();
      // a worktree keeps its HEAD; its refs live in the main folder (commondir)
      Path common = git;
      if (Files.isRegularFile(git.resolve("commondir"))) {
        common = git.resolve(Files.readString(git.resolve("commondir")).strip()).normalize();
      }
      for (Path dir : List.of(git, common)) {
        if (Files.isRegularFile(dir.resolve(ref))) {
          return Optional.of(Files.readString(dir.resolve(ref)).strip());
        }
        Path packed = dir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
          for (String l : Files.readAllLines(packed)) {
            if (l.endsWith(" " + ref)) {
              return Optional.of(l.substring(0, l.indexOf(' ')));
            }
          }
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
