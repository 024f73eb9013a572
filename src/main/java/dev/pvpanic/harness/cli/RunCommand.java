package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.MachineHooks;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.UserKernels;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.ConfigLimits;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.oracle.Applicability;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.run.HarnessSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic run}: one cell, described by flags or picked from a guest config, on a real guest.
 * The console streams to the terminal as the guest prints it, the phases show as they start, and
 * the verdict comes with the diff (or what a timeout awaited) and where the artifacts are.
 */
@Command(
    name = "run",
    sortOptions = false,
    description = {
      "Runs one cell on a real guest: from flags (--recipe or --arch/--kernel, and the axis flags)"
          + " or from a guest config (--config FILE --cell NAME).",
      "Exit: 0 pass, 1 fail, 2 usage, 3 infrastructure or the cell cannot run here; with"
          + " --bisect: 0 good, 1 bad, 125 cannot judge (git bisect run)."
    },
    mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Mixin CellFlags flags;

  @Option(names = "--config", paramLabel = "FILE", description = "a guest config (with --cell)")
  Path config;

  @Option(names = "--cell", paramLabel = "NAME", description = "a cell of --config: name or id")
  String cellName;

  @Option(
      names = "--keep",
      description =
          "after the verdict keep the VM up, with a QMP socket and the console for a person,"
              + " until Ctrl-C or the end of stdin")
  boolean keep;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "artifacts folder (default target/cells/<config>/<cell id>)")
  Path outDir;

  @Option(names = "--quiet", description = "do not stream the guest console")
  boolean quiet;

  @Option(names = "--dry-run", description = "print the cell and exit; nothing boots")
  boolean dryRun;

  @Option(
      names = "--bisect",
      description =
          "exit as 'git bisect run' reads it: 0 PASS, 1 a finding (wrong events or state, a"
              + " panic in the wrong place, a failed capture, a hang after READY), 125 cannot judge"
              + " (the tree did not build, infrastructure, not applicable, a usage error)")
  boolean bisect;

  @Option(
      names = "--make",
      description =
          "with --kernel build:DIR, first build the tree: make -j<cores> <boot image> modules")
  boolean make;

  @Option(
      names = "--snapshot",
      description =
          "restore the guest from its cached snapshot instead of booting it (faster when the"
              + " snapshot exists; the console then starts at the shell prompt)")
  boolean snapshot;

  /** The cell to run and the config it comes from ({@code run} when it comes from flags). */
  record Choice(Cell cell, String configName, Optional<GuestConfig> config) {}

  @Override
  public Integer call() {
    if (!bisect) {
      makeTree();
      return runCell();
    }
    try {
      makeTree();
      return runCell();
    } catch (RuntimeException e) {
      // exit 2 or 3 would read as "bad" and send the bisect the wrong way
      main.terminal()
          .err()
          .println(
              "pvpanic run --bisect: this commit cannot be judged (exit "
                  + BisectStatus.SKIP.code()
                  + "): "
                  + e.getMessage());
      return BisectStatus.SKIP.code();
    }
  }

  /** {@code --make}: builds the {@code build:} tree before anything reads it. */
  private void makeTree() {
    if (!make) {
      return;
    }
    if (flags.kernel == null || !flags.kernel.startsWith("build:")) {
      throw new UsageException("--make builds a Linux build folder: give --kernel build:DIR too");
    }
    String value = UserKernels.absolute(flags.kernel, main.settings()::userPath);
    Path log = main.settings().buildDir().resolve("kernel-make.log");
    int jobs = Runtime.getRuntime().availableProcessors();
    PrintStream out = main.terminal().out();
    out.println("-- make: building " + value.substring("build:".length()) + " (log: " + log + ")");
    long start = System.nanoTime();
    String command = UserKernels.make(value, jobs, log);
    out.printf("-- make: %s: done in %.1f s%n", command, (System.nanoTime() - start) / 1e9);
  }

  private Integer runCell() {
    Terminal terminal = main.terminal();
    PrintStream out = terminal.out();
    HarnessSession harness = main.session(line -> out.println("-- " + line));
    ImageRecipes recipes = harness.recipes();
    if (outDir != null && outDir.toString().isBlank()) {
      throw new UsageException("--out is empty; give a folder for the cell's artifacts");
    }
    Choice choice = choose(recipes);
    Cell cell = choice.cell();
    // the image of the cell's userland: the recipe's own, or its Debian system (<recipe>@debian)
    ImageRecipe recipe = recipes.get(cell.recipe()).withUserland(cell.userland());
    Path artifacts = artifacts(choice);
    out.println("== cell: " + cell.displayName());
    out.println("   id:   " + cell.id());
    if (dryRun) {
      cell.parameters().forEach((k, v) -> out.println("   " + k + ": " + v));
      out.println("   artifacts would go to " + artifacts.toAbsolutePath());
      return ExitStatus.PASS.code();
    }
    PlannedCell planned =
        choice
            .config()
            .map(gc -> harness.plan().plan(gc, cell, recipes))
            .orElseGet(() -> harness.plan().plan(cell, recipe));
    if (planned.skipReason().isPresent()) {
      terminal
          .err()
          .println("pvpanic run: this cell cannot run here: " + planned.skipReason().get());
      return bisect ? BisectStatus.SKIP.code() : ExitStatus.INFRASTRUCTURE.code();
    }
    GuestImage image;
    try {
      image = harness.images().image(recipe.imageName());
    } catch (RuntimeException e) {
      throw new HarnessException(
          "image " + recipe.imageName() + " could not be built: " + e.getMessage(), e);
    }
    if (UserKernels.isSource(recipe.name())
        && Oracle.applicability(cell.setup(image.arch()), image.facts())
            instanceof Applicability.NotApplicable na) {
      // the user's own kernel cannot do what the flags ask: an error of the input, as a recipe
      // that does not exist would be
      throw new UsageException(
          recipe.name()
              + " (kernel "
              + image.kernelRelease()
              + ") cannot run this cell: "
              + na.reason());
    }
    try (KeepSession session = keep ? KeepSession.create(main.settings().runDir()) : null) {
      Hooks hooks = new Hooks(terminal, session);
      CellRunner runner =
          harness.runner(
              harness
                  .cellOptions()
                  .withProgress(line -> out.println("-- " + line))
                  .withHooks(hooks)
                  .withCold(!snapshot));
      CellResult result = runner.run(cell, image, planned.qemu(), artifacts);
      if (!hooks.verdictShown) {
        printVerdict(result, out);
      }
      if (bisect) {
        BisectStatus b = BisectStatus.of(result);
        out.println(
            "== bisect: "
                + b.name().toLowerCase(java.util.Locale.ROOT)
                + " (exit "
                + b.code()
                + ")");
        return b.code();
      }
      return status(result).code();
    }
  }

  /** {@code --out}, else {@code <build dir>/cells/<config>/<cell folder>}. */
  private Path artifacts(Choice choice) {
    if (outDir != null) {
      return outDir;
    }
    return main.settings()
        .buildDir()
        .resolve("cells")
        .resolve(choice.configName())
        .resolve(choice.cell().identity().folderName());
  }

  /** The cell the flags or the config name: either, never both. */
  Choice choose(ImageRecipes recipes) {
    if (config == null) {
      if (cellName != null) {
        throw new UsageException("--cell names a cell of a guest config: give --config too");
      }
      return new Choice(flags.toCell(recipes, main.settings()), "run", Optional.empty());
    }
    if (flags.any()) {
      throw new UsageException(
          "give either --config/--cell or the cell flags (--recipe, --device, ...), not both");
    }
    GuestConfig gc = GuestConfig.load(config, recipes.names(), ConfigLimits.of(main.settings()));
    List<Cell> cells = gc.cells();
    String names =
        cells.stream().map(c -> c.name().orElse(c.id())).collect(Collectors.joining(", "));
    if (cellName == null) {
      throw new UsageException("--config needs --cell NAME; cells of " + config + ": " + names);
    }
    return new Choice(
        ConfigCells.find(cells, cellName, config.toString()), gc.name(), Optional.of(gc));
  }

  /**
   * A verdict's exit status for one cell: a cell that does not apply here verified nothing, so it
   * is not a pass.
   */
  static ExitStatus status(CellResult result) {
    return result.verdict() == Verdict.NOT_APPLICABLE
        ? ExitStatus.INFRASTRUCTURE
        : ExitStatus.of(result.verdict());
  }

  static void printVerdict(CellResult r, PrintStream out) {
    out.printf(
        "== verdict: %s in %.1f s (QEMU %s, %s)%n",
        r.verdict(), r.total().toMillis() / 1000.0, r.qemuVersion(), r.accelerator());
    r.message().lines().forEach(l -> out.println("   " + l));
    out.println("== artifacts: " + r.artifacts().toAbsolutePath());
    out.flush();
  }

  /** Streams the console while the cell runs; with --keep, holds the VM after the verdict. */
  private final class Hooks implements MachineHooks {
    private final Terminal terminal;
    private final KeepSession session;
    boolean verdictShown;

    Hooks(Terminal terminal, KeepSession session) {
      this.terminal = terminal;
      this.session = session;
    }

    @Override
    public List<String> extraQemuArgs() {
      return session == null ? List.of() : session.qemuArgs();
    }

    @Override
    public void launched(QemuMachine machine) {
      if (!quiet) {
        machine.console().addLineListener(terminal.out()::println);
      }
    }

    @Override
    public void beforeClose(CellResult result, QemuMachine machine) {
      if (session == null) {
        return;
      }
      printVerdict(result, terminal.out());
      verdictShown = true;
      session.hold(result, machine, terminal);
    }
  }
}
