package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.GuestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle holds all a person needs to rerun the cell, and its config reloads as that cell. */
class BundleCommandTest {
  private static final ImageRecipes RECIPES = ImageRecipes.load(TestSettings.checkout().recipes());
  private static final String ROOT = "pvh-bundle-seed-kdump-notifiers/";

  @TempDir Path tmp;
  private Cell cell;
  private Path artifacts;

  @BeforeEach
  void aRunOfSeedKdumpNotifiers() throws IOException {
    cell =
        GuestConfig.load(Path.of("guest-configs/smoke.yaml"), RECIPES.names()).cells().stream()
            .filter(c -> c.name().equals(Optional.of("seed-kdump-notifiers")))
            .findFirst()
            .orElseThrow();
    artifacts = Files.createDirectories(tmp.resolve("cells/smoke").resolve(cell.id()));
    // what CellRunner writes: cell.json (by the runner's own writer) and the transcripts
    CellRunner.notRun(cell, Verdict.WRONG_EVENTS, "- GUEST_CRASHLOADED", artifacts);
    Files.writeString(artifacts.resolve("qemu-argv.txt"), "qemu-system-x86_64 -nodefaults\n");
    Files.writeString(artifacts.resolve("console.log"), "PVH READY kernel=6.12\n");
    Files.writeString(artifacts.resolve("qmp.log"), "<- {\"event\":\"GUEST_CRASHLOADED\"}\n");
    Files.writeString(artifacts.resolve("diff.txt"), "- GUEST_CRASHLOADED\n");
  }

  private static Map<String, String> read(Path tarball) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(tarball);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return files;
  }

  @Test
  void aConfigCellWithItsArtifacts() throws IOException {
    Path out = tmp.resolve("b.tar.gz");
    CliRun r =
        CliRun.of(
            "bundle",
            "--config",
            "guest-configs/smoke.yaml",
            "--cell",
            "seed-kdump-notifiers",
            "--from",
            artifacts.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.exit(), r.toString());
    Map<String, String> files = read(out);
    assertEquals(
        List.of(
            ROOT + "README.md",
            ROOT + "guest-config.yaml",
            ROOT + "command.txt",
            ROOT + "recipes/x86_64-6.12.yaml",
            ROOT + "packages.lock.json",
            ROOT + "artifacts/cell.json",
            ROOT + "artifacts/console.log",
            ROOT + "artifacts/diff.txt",
            ROOT + "artifacts/qemu-argv.txt",
            ROOT + "artifacts/qmp.log"),
        List.copyOf(files.keySet()));
    assertEquals(
        Files.readString(Path.of("images/recipes/x86_64-6.12.yaml")),
        files.get(ROOT + "recipes/x86_64-6.12.yaml"));
    assertEquals("- GUEST_CRASHLOADED\n", files.get(ROOT + "artifacts/diff.txt"));

    String command =
        "PVH_RECIPES=\"$B/recipes\" PVH_LOCK_FILE=\"$B/packages.lock.json\" ci/pvpanic run"
            + " --config \"$B/guest-config.yaml\" --cell seed-kdump-notifiers";
    assertEquals(command + "\n", files.get(ROOT + "command.txt"));
    String readme = files.get(ROOT + "README.md");
    assertTrue(readme.contains("    " + command + "\n"), readme);
    assertTrue(readme.contains("B=$PWD/pvh-bundle-seed-kdump-notifiers"), readme);
    assertTrue(readme.contains("verdict when bundled: WRONG_EVENTS"), readme);
    assertTrue(readme.contains(cell.id()), readme);
    assertTrue(r.out().contains(command), r.out());

    // unpacked, the config and lock are what the rerun command uses
    Path unpacked = Files.createDirectories(tmp.resolve("unpacked/recipes"));
    for (String name :
        List.of("guest-config.yaml", "packages.lock.json", "recipes/x86_64-6.12.yaml")) {
      Files.writeString(unpacked.getParent().resolve(name), files.get(ROOT + name));
    }
    ImageRecipes bundled = ImageRecipes.load(unpacked);
    List<Cell> cells =
        GuestConfig.load(unpacked.getParent().resolve("guest-config.yaml"), bundled.names())
            .cells();
    assertEquals(1, cells.size());
    assertEquals(cell, cells.get(0), "the bundled config is exactly this cell");
    ImageLock lock = ImageLock.readOrEmpty(unpacked.getParent().resolve("packages.lock.json"));
    assertEquals(List.of("x86_64-6.12"), List.copyOf(lock.recipes().keySet()));
    assertEquals(
        ImageLock.readOrEmpty(TestSettings.checkout().lockFile()).pins("x86_64-6.12"),
        lock.pins("x86_64-6.12"));
  }

  @Test
  void aBundleOfACellWithAMemoryDumpSaysHowToCheckAndReopenIt() throws IOException {
    // as PanicDump writes them (the ELF dump checked and removed)
    Files.writeString(artifacts.resolve("guest-memory.kdump"), "KDUMP   ");
    Files.writeString(
        artifacts.resolve("dump.txt"),
        "ELF core: x86_64\n\nfiles:\n"
            + "  guest-memory.elf  537000000 bytes  sha256 aaaa\n"
            + "  guest-memory.kdump  8 bytes  sha256 bbbb\n"
            + "  registers.txt  100 bytes  sha256 cccc\n"
            + "\nverify: sha256sum -c dump.sha256\n"
            + "reopen: crash /usr/lib/debug/boot/vmlinux-6.12.107+deb13-amd64"
            + " guest-memory.kdump\n");
    Files.writeString(artifacts.resolve("dump.sha256"), "bbbb  guest-memory.kdump\n");
    Path out = tmp.resolve("dump.tar.gz");

    CliRun r = CliRun.of("bundle", "--from", artifacts.toString(), "--out", out.toString());

    assertEquals(0, r.exit(), r.err());
    Map<String, String> files = read(out);
    assertEquals("KDUMP   ", files.get(ROOT + "artifacts/guest-memory.kdump"));
    assertTrue(files.containsKey(ROOT + "artifacts/dump.sha256"), files.keySet().toString());
    String readme = files.get(ROOT + "README.md");
    assertTrue(readme.contains("## Memory dump"), readme);
    assertTrue(readme.contains("    guest-memory.kdump  8 bytes  sha256 bbbb\n"), readme);
    assertTrue(readme.contains("    guest-memory.elf  537000000 bytes  sha256 aaaa\n"), readme);
    assertTrue(readme.contains("    cd \"$B/artifacts\"\n    sha256sum -c dump.sha256\n"), readme);
    assertTrue(
        readme.contains(
            "    crash /usr/lib/debug/boot/vmlinux-6.12.107+deb13-amd64 guest-memory.kdump\n"),
        readme);
  }

  @Test
  void anArtifactsFolderAloneNamesItsCell() throws IOException {
    Path out = tmp.resolve("from.tar.gz");
    CliRun r = CliRun.of("bundle", "--from", artifacts.toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.toString());
    Map<String, String> files = read(out);
    assertTrue(files.containsKey(ROOT + "artifacts/console.log"), files.keySet().toString());
    assertTrue(
        files.get(ROOT + "guest-config.yaml").contains("name: \"seed-kdump-notifiers\""),
        files.get(ROOT + "guest-config.yaml"));
  }

  @Test
  void aConfigCellWithoutArtifacts() throws IOException {
    Path out = tmp.resolve("plain.tar.gz");
    CliRun r =
        CliRun.of(
            "bundle",
            "--config",
            "guest-configs/smoke.yaml",
            "--cell",
            "arm-kdump-only",
            "--out",
            out.toString());
    assertEquals(0, r.exit(), r.toString());
    Map<String, String> files = read(out);
    assertTrue(files.containsKey("pvh-bundle-arm-kdump-only/recipes/aarch64-6.12-bpo.yaml"));
    assertTrue(files.keySet().stream().noneMatch(f -> f.contains("/artifacts/")), files.toString());
  }

  @Test
  void artifactsOfAnotherCellAreRefused() {
    CliRun r =
        CliRun.of(
            "bundle",
            "--config",
            "guest-configs/smoke.yaml",
            "--cell",
            "seed-no-kdump",
            "--from",
            artifacts.toString(),
            "--out",
            tmp.resolve("x.tar.gz").toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("holds cell " + cell.id()), r.err());
    assertTrue(!Files.exists(tmp.resolve("x.tar.gz")));
  }
}
