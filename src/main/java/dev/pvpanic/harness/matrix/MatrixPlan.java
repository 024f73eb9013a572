package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.machine.Accelerator;
import dev.pvpanic.harness.machine.AcceleratorSelector;
import dev.pvpanic.harness.machine.ContainerBackend;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuBuildUnavailableException;
import dev.pvpanic.harness.oracle.Applicability;
import dev.pvpanic.harness.oracle.Oracle;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns a guest config into the cells to run: resolves each cell's recipe and QEMU build, and marks
 * the cells that cannot run here with the reason (QEMU build missing, KVM asked but unusable, a
 * setup that QEMU build cannot express). Nothing boots.
 */
public final class MatrixPlan {
  private final QemuBuilds builds;
  private final Accelerator undeclared;

  /**
   * @param builds resolves each cell's {@code qemu}
   * @param undeclared the accelerator of cells that name none ({@code pvh.accelerator})
   */
  public MatrixPlan(QemuBuilds builds, Accelerator undeclared) {
    this.builds = builds;
    this.undeclared = undeclared;
  }

  public List<PlannedCell> plan(GuestConfig config, ImageRecipes recipes) {
    prepareBuilds(config, recipes);
    List<PlannedCell> out = new ArrayList<>();
    for (Cell cell : config.cells()) {
      out.add(plan(config, cell, recipes));
    }
    return out;
  }

  /**
   * Makes every QEMU build the config's cells name ready, and asks each what it can do, several at
   * a time, before the cells are planned one by one: from an empty cache each Debian build is
   * fetched and extracted (42 s for the smoke matrix's five, one after another), and every run asks
   * each build and architecture for its devices. What goes wrong is left for the planning of the
   * cell, which meets it again and says so.
   */
  private void prepareBuilds(GuestConfig config, ImageRecipes recipes) {
    Optional<Path> base = config.file().map(f -> f.toAbsolutePath().getParent());
    Map<String, Runnable> builds = new LinkedHashMap<>();
    for (Cell cell : config.cells()) {
      ImageRecipe recipe;
      try {
        recipe = recipes.get(cell.recipe());
      } catch (RuntimeException e) {
        continue;
      }
      builds.putIfAbsent(
          cell.qemu() + "/" + recipe.arch().id(),
          () -> {
            QemuBuild qemu = this.builds.resolve(cell.qemu(), recipe.arch(), base);
            if (qemu.backend().unavailableReason().isEmpty()) {
              BuildCapabilities.of(qemu, recipe.arch());
            }
          });
    }
    if (builds.size() < 2) {
      return;
    }
    int threads = Math.min(builds.size(), Math.max(2, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Runnable b : builds.values()) {
        done.add(
            pool.submit(
                () -> {
                  try {
                    b.run();
                  } catch (RuntimeException e) {
                    // planned again below, where the cell says what is wrong
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One cell of {@code config}: a relative {@code prefix:} QEMU is taken from its folder. */
  public PlannedCell plan(GuestConfig config, Cell cell, ImageRecipes recipes) {
    Optional<Path> base = config.file().map(f -> f.toAbsolutePath().getParent());
    return plan(cell, recipes.get(cell.recipe()), base);
  }

  /** A cell from no config (command-line flags): a {@code prefix:} must be absolute. */
  public PlannedCell plan(Cell cell, ImageRecipe recipe) {
    return plan(cell, recipe, Optional.empty());
  }

  private PlannedCell plan(Cell cell, ImageRecipe minimal, Optional<Path> base) {
    ImageRecipe recipe = minimal.withUserland(cell.userland());
    systemProblem(cell, recipe)
        .ifPresent(
            p -> {
              throw new GuestConfigException(cell.displayName() + ": " + p);
            });
    KernelCommandLine.problem(cell, recipe)
        .ifPresent(
            p -> {
              throw new GuestConfigException(cell.displayName() + ": " + p);
            });
    QemuBuild qemu;
    try {
      qemu = builds.resolve(cell.qemu(), recipe.arch(), base);
    } catch (QemuBuildUnavailableException e) {
      QemuBuild unresolved = new QemuBuild(cell.qemu(), "(unavailable)", Map.of(), List.of());
      return PlannedCell.lacking(cell, recipe, unresolved, "debian-archive", e.getMessage());
    }
    Optional<String> backend = qemu.backend().unavailableReason();
    if (backend.isPresent()
        && qemu.backend() instanceof ContainerBackend
        && builds.engine().problem().isEmpty()) {
      // an engine answers and has no such image: a wrong name, not a build that cannot run here
      throw new GuestConfigException(
          "QEMU build '"
              + cell.qemu()
              + "' does not exist: "
              + backend.get()
              + "; valid: "
              + QemuBuilds.VALID);
    }
    if (backend.isPresent()) {
      return PlannedCell.lacking(
          cell,
          recipe,
          qemu,
          "container",
          "QEMU build '" + cell.qemu() + "' cannot run here: " + backend.get());
    }
    Optional<QemuCapabilities> caps = BuildCapabilities.of(qemu, recipe.arch());
    if (caps.isEmpty()) {
      return withoutCapabilities(cell, recipe, qemu);
    }
    if (cell.accelerator(undeclared) == Accelerator.KVM) {
      Optional<String> kvm = AcceleratorSelector.staticProblem(recipe.arch());
      if (kvm.isPresent()) {
        return PlannedCell.lacking(cell, recipe, qemu, "kvm", "KVM asked for: " + kvm.get());
      }
    }
    Applicability a = Oracle.applicability(cell.setup(recipe.arch()), caps.get());
    if (a instanceof Applicability.NotApplicable na) {
      return new PlannedCell(
          cell,
          recipe,
          qemu,
          Optional.of("not applicable with QEMU " + caps.get().version() + ": " + na.reason()));
    }
    return new PlannedCell(cell, recipe, qemu, Optional.empty());
  }

  /**
   * A cell whose QEMU build did not report what it can do: a binary of this machine that is not
   * there, or a container image without QEMU for the guest's architecture.
   */
  private static PlannedCell withoutCapabilities(Cell cell, ImageRecipe recipe, QemuBuild qemu) {
    if (!(qemu.backend() instanceof ContainerBackend)) {
      // a binary of this machine (the host's QEMU, an install, a build tree) that is not there
      return PlannedCell.lacking(
          cell,
          recipe,
          qemu,
          cell.qemu().equals("host") ? "qemu-" + recipe.arch().id() : "qemu-build",
          "QEMU build '"
              + cell.qemu()
              + "' ("
              + qemu.binary()
              + ") is not installed or did not report a version");
    }
    return new PlannedCell(
        cell,
        recipe,
        qemu,
        Optional.of(
            "QEMU build '"
                + cell.qemu()
                + "': the container image "
                + ((ContainerBackend) qemu.backend()).image()
                + " has no "
                + qemu.binary()
                + " for "
                + recipe.arch().id()
                + " guests, or it did not report a version (ci/qemu-container/build.sh"
                + " installs QEMU for x86_64 and aarch64)"));
  }

  /**
   * Why a cell cannot run on the debian userland, if it is on it and cannot: an architecture the
   * suite has no packages for, a kernel without a package to install its modules from, or a trigger
   * that needs modules only the minimal image carries.
   */
  static Optional<String> systemProblem(Cell cell, ImageRecipe recipe) {
    if (cell.userland() != dev.pvpanic.harness.image.Userland.DEBIAN) {
      return Optional.empty();
    }
    Optional<String> arch = dev.pvpanic.harness.image.Userland.unsupported(recipe.arch());
    if (arch.isPresent()) {
      return arch;
    }
    if (recipe.kernel() instanceof ImageRecipe.LocalBuild
        || recipe.kernel() instanceof ImageRecipe.LocalKernel) {
      return Optional.of(
          "userland debian installs the kernel's modules from its package: give the kernel as a"
              + " .deb (deb:<file>) or a recipe, not a build folder or bare files");
    }
    if (!cell.trigger().modules().isEmpty()) {
      return Optional.of(
          "userland debian: trigger "
              + cell.trigger().id()
              + " needs the module(s) "
              + cell.trigger().modules()
              + " that only the minimal image carries; valid triggers there: "
              + dev.pvpanic.harness.oracle.Trigger.all().stream()
                  .filter(t -> t.modules().isEmpty())
                  .map(dev.pvpanic.harness.oracle.Trigger::id)
                  .toList());
    }
    return Optional.empty();
  }
}
