package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.Json;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The harness needs root only for the set-up (apt): one real cell passes with the harness itself
 * running as an ordinary user. Under a root test run the cell runs through {@code runuser} as the
 * unprivileged account ci/setup.sh makes (pvh-qemu), with a cache of its own that holds only the
 * cell's image, and its own copy of the jar and the checkout's images/ (copied from this run: a
 * clone under /root is not theirs to read); under an ordinary user it runs as that user. The cell's
 * record must show the pass, and that QEMU ran as that user under seccomp.
 */
class OrdinaryUserIT {
  private static final String RECIPE = "x86_64-6.12";
  private static final String ACCOUNT = "pvh-qemu";

  @Test
  void oneRealCellPassesWithTheHarnessAsAnOrdinaryUser() throws Exception {
    Prerequisite.QEMU_X86_64.require(
        QemuVersionProbe.version(QemuBuild.host(Architecture.X86_64)).isPresent(),
        "it did not run");
    Path jar = Path.of(System.getProperty("pvh.build.dir", "target"), "pvpanic-harness.jar");
    assertTrue(Files.isRegularFile(jar), "the shaded jar (mvn package) at " + jar);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Prerequisite.ORDINARY_USER.require(
          run(List.of("getent", "passwd", ACCOUNT)) == 0
              && run(List.of("sh", "-c", "command -v runuser")) == 0,
          "no account " + ACCOUNT + " or no runuser");
    }
    Path home = Files.createTempDirectory("pvh-ordinary-");
    try {
      Path image =
          TestSettings.session().images().image(RECIPE).manifest().toAbsolutePath().getParent();
      Path cache = home.resolve("cache");
      copyTree(image, cache.resolve("derived").resolve(image.getFileName()));
      // the checkout and the jar may sit where the account cannot read (a clone under /root)
      Path checkout = home.resolve("checkout");
      copyTree(TestSettings.jvm().home().resolve("images"), checkout.resolve("images"));
      Path ownJar = Files.copy(jar, home.resolve("pvpanic-harness.jar"));
      Path out = home.resolve("out");
      List<String> command = new ArrayList<>();
      if (root) {
        assertEquals(0, run(List.of("chown", "-R", ACCOUNT + ":", home.toString())));
        command.addAll(List.of("runuser", "-u", ACCOUNT, "--"));
      }
      command.addAll(
          List.of(
              "env",
              "HOME=" + home,
              "PVH_HOME=" + checkout,
              "PVH_CACHE_DIR=" + cache,
              "PVH_RUN_DIR=" + home,
              ProcessHandle.current().info().command().orElse("java"),
              "-jar",
              ownJar.toString(),
              "run",
              "--recipe",
              RECIPE,
              "--device",
              "pci",
              "--action",
              "panic=none",
              "--out",
              out.toString()));
      Path log = home.resolve("run.log");
      Process p =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the cell ended within 5 min");
      String printed = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), printed);
      JsonNode cell = Json.MAPPER.readTree(out.resolve("cell.json").toFile());
      assertEquals("PASS", cell.path("verdict").asText(), printed);
      int harnessUid = uid(out.resolve("cell.json"));
      assertNotEquals(0, harnessUid, "cell.json was written by the harness as root");
      JsonNode confinement = cell.path("confinement");
      assertEquals(harnessUid, confinement.path("uid").asInt(-1), confinement.toString());
      assertEquals(2, confinement.path("seccomp").asInt(-1), confinement.toString());
      assertTrue(printed.contains("== verdict: PASS"), printed);
    } finally {
      deleteTree(home);
    }
  }

  private static int uid(Path file) throws IOException {
    return (Integer) Files.getAttribute(file, "unix:uid");
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.readAttributes(f, PosixFileAttributes.class).isDirectory()) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    }
  }
}
