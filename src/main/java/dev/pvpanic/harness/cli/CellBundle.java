package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.HarnessException;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.cell.CellArtifacts;
import dev.pvpanic.harness.cell.CellRecord;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageLock.RecipePins;
import dev.pvpanic.harness.image.ImageRecipe;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Everything needed to rerun one cell elsewhere, in one .tar.gz under a folder {@code
 * pvh-bundle-<name>/}: the cell as a one-cell guest config, its image recipe, the lock entry of
 * that recipe (the same package versions and hashes), the artifacts of a run when there is one
 * (QEMU argv, transcripts, diff), and a README with the exact command.
 */
final class CellBundle {
  static final String CONFIG = "guest-config.yaml";
  static final String LOCK = "packages.lock.json";

  /**
   * @param name the cell's name in the bundled config (and in the rerun command)
   * @param source where the cell came from, for the README (a config file, or an artifacts folder)
   * @param pins the recipe's lock entry, if the lock has one
   * @param artifacts a run's artifacts folder, if any
   */
  record Contents(
      String name,
      Cell cell,
      String source,
      ImageRecipe recipe,
      Optional<RecipePins> pins,
      Optional<Path> artifacts) {}

  private CellBundle() {}

  /** The folder name inside the tarball: the cell identity's. */
  static String folder(Cell cell) {
    return cell.identity().bundleFolder();
  }

  static void write(Contents c, Path tarball) {
    String root = folder(c.cell()) + "/";
    try {
      Path parent = tarball.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".bundle-", ".tar.gz");
      try (OutputStream file = Files.newOutputStream(tmp);
          GzipCompressorOutputStream gz = new GzipCompressorOutputStream(file);
          TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        add(tar, root + "README.md", readme(c));
        add(tar, root + CONFIG, config(c));
        add(tar, root + "command.txt", command(c) + "\n");
        if (c.recipe().file().isPresent()) {
          add(
              tar,
              root + "recipes/" + c.recipe().name() + ".yaml",
              Files.readString(c.recipe().file().get()));
        }
        if (c.pins().isPresent()) {
          Path lock = Files.createTempFile(parent, ".bundle-lock-", ".json");
          try {
            ImageLock.empty().with(c.recipe().name(), c.pins().get()).write(lock);
            add(tar, root + LOCK, Files.readString(lock));
          } finally {
            Files.deleteIfExists(lock);
          }
        }
        if (c.artifacts().isPresent()) {
          for (Path f : artifactFiles(c.artifacts().get())) {
            TarArchiveEntry e =
                new TarArchiveEntry(f.toFile(), root + "artifacts/" + f.getFileName());
            tar.putArchiveEntry(e);
            Files.copy(f, tar);
            tar.closeArchiveEntry();
          }
        }
        tar.finish();
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      try {
        Files.move(
            tmp, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp); // gone after a move; left only when the move failed
      }
    } catch (IOException e) {
      throw new HarnessException("cannot write bundle " + tarball + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> artifactFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void add(TarArchiveOutputStream tar, String name, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setMode(0644);
    e.setModTime(System.currentTimeMillis());
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /** A guest config with just this cell, every axis spelled out. */
  static String config(Contents c) throws IOException {
    Map<String, Object> cell = new LinkedHashMap<>();
    cell.put("name", c.name());
    cell.putAll(c.cell().parameters());
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("name", "bundle");
    top.put("description", "one cell (" + c.cell().id() + "), from " + c.source());
    top.put("cells", List.of(cell));
    return Json.YAML.writeValueAsString(top);
  }

  /** The command that reruns the cell, from a checkout, with the bundle unpacked in $B. */
  static String command(Contents c) {
    String env =
        (c.recipe().file().isPresent() ? "PVH_RECIPES=\"$B/recipes\" " : "")
            + (c.pins().isPresent() ? "PVH_LOCK_FILE=\"$B/" + LOCK + "\" " : "");
    return env + "ci/pvpanic run --config \"$B/" + CONFIG + "\" --cell " + c.name();
  }

  static String readme(Contents c) {
    StringBuilder sb = new StringBuilder();
    sb.append("# pvpanic-harness bundle: ").append(c.cell().displayName()).append("\n\n");
    sb.append("- cell id: `").append(c.cell().id()).append("`\n");
    sb.append("- from: ").append(c.source()).append('\n');
    sb.append("- recipe: ")
        .append(c.recipe().name())
        .append(" (")
        .append(c.recipe().arch())
        .append(", kernel ")
        .append(c.recipe().version())
        .append("); locked kernel: ")
        .append(ImagesCommand.lockedKernel(c.pins()))
        .append('\n');
    verdict(c.artifacts())
        .ifPresent(v -> sb.append("- verdict when bundled: ").append(v).append('\n'));
    sb.append("\n| axis | value |\n|---|---|\n");
    c.cell()
        .parameters()
        .forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    sb.append("\n## Rerun\n\nFrom a checkout of pvpanic-harness:\n\n");
    sb.append("    tar xzf <this bundle>.tar.gz\n");
    sb.append("    B=$PWD/").append(folder(c.cell())).append('\n');
    sb.append("    ").append(command(c)).append("\n\n");
    sb.append(
        "The lock entry pins the same kernel and userland packages (versions and SHA-256), so the"
            + " guest image is built from the same bits. Add `--keep` to keep the VM up after the"
            + " verdict.\n");
    if (c.pins().isEmpty()) {
      sb.append("\nThe recipe was not locked when bundled: the rerun resolves it anew.\n");
    }
    if (c.recipe().kernel() instanceof ImageRecipe.LocalKernel
        || c.recipe().kernel() instanceof ImageRecipe.LocalDeb
        || c.recipe().kernel() instanceof ImageRecipe.LocalBuild) {
      sb.append(
          "\nThe recipe uses a local kernel, which is not in the bundle: put it where the recipe"
              + " says.\n");
    }
    sb.append("\n## Files\n\n");
    sb.append("- `").append(CONFIG).append("`: the cell, as a one-cell guest config\n");
    sb.append("- `recipes/`: the image recipe; `").append(LOCK).append("`: its lock entry\n");
    sb.append("- `command.txt`: the rerun command\n");
    if (c.artifacts().isPresent()) {
      sb.append(
          "- `artifacts/`: the run's QEMU argv (qemu-argv.txt), kernel command line, console and"
              + " QMP transcripts, expected/actual events and their diff, image manifest,"
              + " cell.json\n");
      dumps(c.artifacts().get()).ifPresent(sb::append);
    }
    return sb.toString();
  }

  /**
   * For a cell that collected a memory dump ({@code after: dump}): the dump check's files with
   * their SHA-256, the command that checks them and the one that reopens the dump, from the dump
   * report the run wrote.
   */
  static Optional<String> dumps(Path artifacts) {
    Path report = artifacts.resolve(CellArtifacts.DUMP_REPORT);
    if (!Files.isRegularFile(report)) {
      return Optional.empty();
    }
    String text;
    try {
      text = Files.readString(report);
    } catch (IOException e) {
      return Optional.of("\n## Memory dump\n\n" + report + " could not be read: " + e + "\n");
    }
    StringBuilder sb = new StringBuilder("\n## Memory dump\n\n");
    sb.append(
        "The guest's memory was dumped after the panic (`dump-guest-memory`); the ELF dump was"
            + " checked and removed, the kdump-compressed one is in `artifacts/`. As recorded"
            + " (`artifacts/"
            + CellArtifacts.DUMP_REPORT
            + "`):\n\n");
    text.lines()
        .filter(l -> l.startsWith("  guest-memory") || l.startsWith("  " + CellArtifacts.REGISTERS))
        .forEach(l -> sb.append("    ").append(l.strip()).append('\n'));
    sb.append("\nCheck and reopen:\n\n    cd \"$B/artifacts\"\n");
    text.lines()
        .filter(l -> l.startsWith("verify: ") || l.startsWith("reopen: "))
        .forEach(l -> sb.append("    ").append(l.substring(l.indexOf(' ') + 1)).append('\n'));
    return Optional.of(sb.toString());
  }

  private static Optional<String> verdict(Optional<Path> artifacts) {
    return artifacts
        .map(a -> a.resolve(CellArtifacts.CELL_JSON))
        .filter(Files::isRegularFile)
        .flatMap(
            f -> {
              try {
                return Optional.of(CellRecord.read(f).verdict().name());
              } catch (IllegalArgumentException e) {
                return Optional.empty();
              }
            });
  }

  /** The cell a run's artifacts folder describes (its cell.json), with its name when it had one. */
  static Cell cellOf(Path artifacts) {
    Path file = artifacts.resolve(CellArtifacts.CELL_JSON);
    if (!Files.isRegularFile(file)) {
      throw new UsageException(
          "--from " + artifacts + ": no cell.json (give the artifacts folder of one cell)");
    }
    CellRecord record;
    try {
      record = CellRecord.read(file);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--from " + artifacts + ": cannot read cell.json: " + e.getMessage());
    }
    try {
      return Cell.ofParameters(record.nameInConfig(), record.parameters(), file.toString());
    } catch (GuestConfigException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
