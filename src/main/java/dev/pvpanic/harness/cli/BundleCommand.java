package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pvpanic bundle}: one cell, and a run's artifacts when given, packed for a bug report so
 * another person reruns it with one command.
 */
@Command(
    name = "bundle",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Packs one cell (--config FILE --cell NAME, or --from a run's artifacts folder) with its"
          + " recipe, lock entry, artifacts and a README with the rerun command into a .tar.gz."
    })
final class BundleCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(names = "--config", paramLabel = "FILE", description = "a guest config (with --cell)")
  Path config;

  @Option(names = "--cell", paramLabel = "NAME", description = "a cell of --config: name or id")
  String cellName;

  @Option(
      names = "--from",
      paramLabel = "DIR",
      description = "a run's artifacts folder (target/cells/<config>/<cell id>)")
  Path from;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "the .tar.gz")
  Path out;

  @Override
  public Integer call() {
    if (out.toString().isBlank() || Files.isDirectory(out)) {
      throw new UsageException(
          "--out "
              + (out.toString().isBlank() ? "is empty" : out + " is a folder")
              + "; give the bundle's file name, e.g. --out repro.tar.gz");
    }
    ImageRecipes recipes = ImageRecipes.load(main.settings().recipes());
    if (from != null && !Files.isDirectory(from)) {
      throw new UsageException("--from " + from + ": no such folder");
    }
    Cell cell;
    String source;
    if (config != null) {
      if (cellName == null) {
        throw new UsageException("--config needs --cell NAME");
      }
      GuestConfig gc = GuestConfig.load(config, recipes.names());
      cell = ConfigCells.find(gc.cells(), cellName, config.toString());
      source = "cell " + cellName + " of " + config;
      if (from != null) {
        String ranId = CellBundle.cellOf(from).id();
        if (!ranId.equals(cell.id())) {
          throw new UsageException(
              "--from " + from + " holds cell " + ranId + ", not " + cell.id() + " of --config");
        }
      }
    } else if (from != null) {
      if (cellName != null) {
        throw new UsageException("--cell names a cell of --config: give --config too");
      }
      cell = CellBundle.cellOf(from);
      source = "the artifacts in " + from.toAbsolutePath();
    } else {
      throw new UsageException("which cell? give --config FILE --cell NAME, or --from DIR");
    }
    String recipeName = RecipeChoice.known(recipes, cell.recipe(), "the cell's recipe");
    ImageRecipe recipe = recipes.get(recipeName);
    String name = cell.name().orElse(cell.id());
    CellBundle.Contents contents =
        new CellBundle.Contents(
            name,
            cell,
            source,
            recipe,
            ImageLock.readOrEmpty(main.settings().lockFile()).pins(recipeName),
            Optional.ofNullable(from));
    CellBundle.write(contents, out);
    main.terminal().out().println("bundle: " + out.toAbsolutePath());
    main.terminal()
        .out()
        .println("rerun:  B=$PWD/" + CellBundle.folder(cell) + "; " + CellBundle.command(contents));
    return ExitStatus.PASS.code();
  }
}
