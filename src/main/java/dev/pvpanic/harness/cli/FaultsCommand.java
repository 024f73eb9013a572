package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.DurationText;
import dev.pvpanic.harness.faults.FaultCampaign;
import dev.pvpanic.harness.faults.Leaks;
import dev.pvpanic.harness.faults.Strike;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic faults}: a fault campaign (see {@link FaultCampaign}) over a guest config's cells:
 * a table per fault kind of verdicts, time to verdict and leaks. Not a unit test: it boots guests.
 */
@Command(
    name = "faults",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "A fault campaign: N cells of a config, a seeded share struck by a fault (SIGKILL or SIGSTOP"
          + " to QEMU, its QMP or console socket shut) at a random moment; every fault must get"
          + " INFRASTRUCTURE_ERROR, every other cell PASS, and nothing may be left behind.",
      "Exit: 0 all right and no leak, 1 otherwise, 2 usage."
    })
final class FaultsCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "a guest config whose cells pass (default guest-configs/smoke.yaml)")
  Path config;

  @Option(names = "--cells", paramLabel = "N", description = "cells to run (default 300)")
  int cells = 300;

  @Option(names = "--rate", paramLabel = "R", description = "share of cells struck (default 0.1)")
  double rate = 0.1;

  @Option(names = "--seed", paramLabel = "S", description = "the seed; the same seed replays")
  long seed = 1;

  @Option(names = "--parallel", paramLabel = "N", description = "cells at a time (default 2)")
  int parallel = 2;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "artifacts (default target/faults/<seed>)")
  Path out;

  @Override
  public Integer call() throws IOException {
    if (cells < 1 || cells > 100_000) {
      throw new UsageException("--cells " + cells + " out of range; valid: 1..100000");
    }
    if (rate < 0 || rate > 1) {
      throw new UsageException("--rate " + rate + " out of range; valid: 0..1");
    }
    if (parallel < 1 || parallel > 64) {
      throw new UsageException("--parallel " + parallel + " out of range; valid: 1..64");
    }
    PrintStream o = main.terminal().out();
    HarnessSession session = main.session(line -> o.println("  .. " + line));
    MatrixRun run = MatrixCommand.plan(session, config, null, null, parallel, false);
    Path dir =
        out != null ? out : session.settings().buildDir().resolve("faults").resolve("seed-" + seed);
    Files.createDirectories(dir);
    o.printf(
        "== faults: %d cells of %s, rate %.2f, seed %d, %d at a time; artifacts under %s%n",
        cells, run.config().name(), rate, seed, parallel, dir.toAbsolutePath());
    Instant start = Instant.now();
    List<Strike> strikes =
        new FaultCampaign(seed, rate, Duration.ofSeconds(1))
            .run(session, run, config, cells, parallel, dir, o::println);
    String table = FaultCampaign.table(strikes);
    List<String> leaks = new ArrayList<>();
    Leaks.leftQemus().forEach(p -> leaks.add("QEMU pid " + p + " still runs"));
    Leaks.leftRunFolders(session.settings().runDir())
        .forEach(p -> leaks.add("run folder " + p + " left"));
    strikes.forEach(s -> s.leaks().forEach(l -> leaks.add(s.index() + ": " + l)));
    long wrong = strikes.stream().filter(s -> !s.right()).count();
    String summary =
        table
            + String.format(
                "%d cells, %d struck before their verdict, %d wrong verdicts, %d leaks; %s wall"
                    + " clock (seed %d: the same seed replays the same faults)%n",
                strikes.size(),
                strikes.stream().filter(Strike::delivered).count(),
                wrong,
                leaks.size(),
                DurationText.of(Duration.between(start, Instant.now())),
                seed)
            + (leaks.isEmpty() ? "" : "leaks:\n  " + String.join("\n  ", leaks) + "\n");
    o.print("\n" + summary);
    Files.writeString(dir.resolve("campaign.txt"), summary, StandardCharsets.UTF_8);
    return wrong == 0 && leaks.isEmpty() ? ExitStatus.PASS.code() : ExitStatus.FAIL.code();
  }
}
