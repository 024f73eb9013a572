package dev.pvpanic.harness.run;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.cell.CellOptions;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.RecipeException;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.matrix.CellCost;
import dev.pvpanic.harness.matrix.ConfigLimits;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.GuestParallelism;
import dev.pvpanic.harness.matrix.MatrixPlan;
import dev.pvpanic.harness.matrix.PlannedCell;
import dev.pvpanic.harness.matrix.QemuBuilds;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The pieces every run shares, built once from the {@link Settings}: the recipes, the image builder
 * (made on first use: building images may need the network), the snapshot store, the QEMU builds
 * (with their Debian builder and container engine), and how a guest config becomes a {@link
 * MatrixRun}. What these remember (snapshots found unusable, a container engine that did not
 * answer, a Debian builder) is the session's: two sessions in one JVM share none of it.
 */
public final class HarnessSession {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HarnessSession.class);
  private final Settings settings;
  private final ImageRecipes recipes;
  private final Optional<String> mirror;
  private final Consumer<String> log;
  private final SnapshotStore snapshots;
  private final QemuBuilds qemuBuilds;
  private final MatrixPlan plan;
  private ImageBuilder images;

  private HarnessSession(Settings settings, Optional<String> mirror, Consumer<String> log) {
    this.settings = settings;
    this.recipes = ImageRecipes.load(settings.recipes());
    this.mirror = mirror;
    this.log = log;
    this.snapshots = new SnapshotStore(ContentStore.at(settings));
    this.qemuBuilds = QemuBuilds.of(settings);
    this.plan = new MatrixPlan(qemuBuilds, accelerator(settings));
  }

  private static Accelerator accelerator(Settings settings) {
    return Accelerator.parse(settings.accelerator());
  }

  /**
   * @param mirror a Debian mirror given on the command line, if any
   * @param log where image building says what it does
   */
  public static HarnessSession open(
      Settings settings, Optional<String> mirror, Consumer<String> log) {
    return new HarnessSession(settings, mirror, log);
  }

  public Settings settings() {
    return settings;
  }

  public ImageRecipes recipes() {
    return recipes;
  }

  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** The image builder, made on first use. */
  public synchronized ImageBuilder images() {
    if (images == null) {
      images = ImageEnvironment.builder(settings, mirror, log);
    }
    return images;
  }

  public GuestConfig loadConfig(Path file) {
    return GuestConfig.load(file, recipes.names(), ConfigLimits.of(settings));
  }

  /** This session's QEMU builds: its Debian builder, its container engine, its launch policy. */
  public QemuBuilds qemuBuilds() {
    return qemuBuilds;
  }

  /** How this session plans cells: their QEMU builds resolved, those that cannot run marked. */
  public MatrixPlan plan() {
    return plan;
  }

  /**
   * The cell options of this session: the defaults with its {@code pvh.cold} and, for cells that
   * name none, its {@code pvh.accelerator}.
   */
  public CellOptions cellOptions() {
    return CellOptions.defaults().withCold(settings.cold()).withAccelerator(accelerator(settings));
  }

  /** A cell runner with this session's snapshots. */
  public CellRunner runner(CellOptions options) {
    return new CellRunner(options, snapshots);
  }

  /**
   * A recipe changed after the lock pinned it (another suite, package or driver policy) is refused
   * before anything boots, with the command that re-resolves it, instead of building an image per
   * cell that then fails as an infrastructure error (or, worse, the old image).
   */
  private void refuseStaleLockEntries(List<PlannedCell> planned) {
    ImageLock lock = ImageLock.readOrEmpty(settings.lockFile());
    planned.stream()
        .map(PlannedCell::recipe)
        .distinct()
        .forEach(
            r ->
                lock.pins(r.name())
                    .flatMap(p -> p.staleFor(r))
                    .ifPresent(
                        why -> {
                          throw new RecipeException(why + " (lock: " + settings.lockFile() + ")");
                        }));
  }

  /**
   * How {@code config} runs: its cells ({@code shard} of them) planned and in running order, the
   * guests at once ({@code parallel}, else the settings' {@code pvh.parallel}, else from cores and
   * memory), the artifacts root ({@code out}, else {@code <build dir>/cells/<config name>}), and
   * whether every guest boots cold ({@code cold} or the settings' {@code pvh.cold}).
   */
  public MatrixRun matrix(
      GuestConfig config, Shard shard, Optional<Path> out, OptionalInt parallel, boolean cold) {
    List<dev.pvpanic.harness.matrix.Cell> all = config.cells(); // refuses a product too large
    config
        .unusedExclusions()
        .forEach(
            x ->
                LOG.warn(
                    "{}: the exclusion {} ({}) leaves out no cell: a typo?",
                    config.name(),
                    x.match(),
                    x.reason()));
    List<PlannedCell> planned =
        shard.select(all).stream().map(c -> plan.plan(config, c, recipes)).toList();
    refuseStaleLockEntries(planned);
    int n = parallel.isPresent() ? parallel.getAsInt() : GuestParallelism.configured(settings);
    Path root = out.orElse(settings.buildDir().resolve("cells").resolve(config.name()));
    return new MatrixRun(
        config,
        CellCost.longestFirst(planned),
        n,
        root,
        cold || settings.cold(),
        settings.retryInfra());
  }
}
