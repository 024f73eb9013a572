package dev.pvpanic.harness.report;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageLock;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.image.debian.LockedPackage;
import dev.pvpanic.harness.image.kmod.KernelSourceFiles;
import dev.pvpanic.harness.junit.TestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's own KTAP reader, {@code tools/testing/kunit/kunit_parser.py}, taken from the
 * linux-source package the lock pins (fetched and checked against its SHA-256 by the harness's
 * Debian client, as image builds fetch it: from the cache when an image build already did) and run
 * with python3 over a stream: what it counted, and where it stopped reading.
 *
 * @param total the tests it saw (subtests of the stream's one top-level test included)
 * @param names the names of the tests it saw, in order
 * @param lastLine the last line of the stream it read (kunit_parser stops at its end marks)
 * @param errors what it printed as errors ({@code [ERROR]} lines, an error count)
 */
public record KunitParser(int total, List<String> names, String lastLine, String errors) {

  /** The recipe whose pinned linux-source the parser comes from. */
  static final String RECIPE = "aarch64-6.12-bpo";

  /**
   * Runs the parser as kunit.py's parse command does ({@code parse_run_tests} over the file's
   * lines), then prints what it found, each line marked {@code PVH}; the parser's own output (its
   * {@code [ERROR]} lines) goes before.
   */
  private static final String DRIVER =
      String.join(
          "\n",
          "import sys",
          "sys.path.insert(0, sys.argv[1])",
          "import kunit_parser",
          "lines = open(sys.argv[2], encoding='utf-8').readlines()",
          "read = list(kunit_parser.extract_tap_lines(lines))",
          "test = kunit_parser.parse_run_tests(lines)",
          "def walk(t, out):",
          "    for s in t.subtests:",
          "        out.append(s.name)",
          "        walk(s, out)",
          "names = []",
          "walk(test, names)",
          "print('PVH TOTAL', len(names))",
          "for n in names: print('PVH NAME', n)",
          "print('PVH LAST', read[-1] if read else '')",
          "print('PVH STATUS', test.status.name, 'errors', test.counts.errors)",
          "");

  /** Whether python3 runs here. */
  static boolean python3() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Where the parser's files are: extracted once per build folder. */
  static Path tools(Settings settings) throws IOException {
    Path dir = settings.buildDir().resolve("kunit-parser");
    if (Files.isRegularFile(dir.resolve("kunit_parser.py"))
        && Files.isRegularFile(dir.resolve("kunit_printer.py"))) {
      return dir;
    }
    LockedPackage source = pinnedSource();
    ContentStore store = ContentStore.at(settings);
    Path deb = ImageEnvironment.archive(settings, Optional.empty(), store).fetch(source);
    Path work = Files.createDirectories(settings.buildDir().resolve("kunit-parser.work"));
    // the cache names files by hash; the source reader knows a .deb by its name
    Path named = work.resolve(source.name() + ".deb");
    Files.deleteIfExists(named);
    Files.createSymbolicLink(named, deb);
    KernelSourceFiles.extract(
        named, "tools/testing/kunit", List.of("kunit_parser.py", "kunit_printer.py"), dir);
    Files.writeString(
        dir.resolve("SOURCE"),
        source.name() + " " + source.version() + " sha256 " + source.sha256() + "\n");
    return dir;
  }

  /** The linux-source package the lock pins for {@link #RECIPE}. */
  static LockedPackage pinnedSource() {
    return ImageLock.readOrEmpty(TestSettings.jvm().lockFile())
        .pins(RECIPE)
        .orElseThrow()
        .moduleBuild()
        .stream()
        .filter(p -> p.name().startsWith("linux-source-"))
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("the lock pins no linux-source for " + RECIPE));
  }

  /** Runs the parser over {@code stream}. */
  static KunitParser parse(Path tools, String stream) throws IOException, InterruptedException {
    Path file = Files.createTempFile("pvh-ktap-", ".ktap");
    Path driver = Files.createTempFile("pvh-kunit-", ".py");
    try {
      Files.writeString(file, stream, StandardCharsets.UTF_8);
      Files.writeString(driver, DRIVER, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder("python3", driver.toString(), tools.toString(), file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("kunit_parser.py failed: " + out);
      }
      int total = -1;
      List<String> names = new java.util.ArrayList<>();
      String last = "";
      StringBuilder errors = new StringBuilder();
      for (String line : out.split("\n")) {
        if (line.startsWith("PVH TOTAL ")) {
          total = Integer.parseInt(line.substring(10).strip());
        } else if (line.startsWith("PVH NAME ")) {
          names.add(line.substring(9));
        } else if (line.startsWith("PVH LAST ")) {
          last = line.substring(9);
        } else if (line.contains("[ERROR]")
            || (line.startsWith("PVH STATUS ") && !line.endsWith("errors 0"))) {
          errors.append(line).append('\n');
        }
      }
      return new KunitParser(total, names, last, errors.toString());
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(driver);
    }
  }
}
