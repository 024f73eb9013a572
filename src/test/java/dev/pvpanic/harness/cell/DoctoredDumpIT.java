package dev.pvpanic.harness.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's acceptance on a real guest: a pvpanic cell that passed (panic=pause, the guest's
 * memory dumped with dump-guest-memory) must still fail when the dump it checks is not that
 * guest's. The real dump is doctored between QEMU writing it and the check reading it: cut in half,
 * or every occurrence of the guest's kernel release rewritten to another kernel's (the same length,
 * so nothing else moves). Either way the cell is WRONG_GUEST_STATE and says why.
 */
class DoctoredDumpIT {
  private static PlannedCell planned;
  private static GuestImage image;

  @BeforeAll
  static void image() {
    String recipe = SeedCell.RECIPE;
    ImageRecipes recipes = ImageRecipes.load(TestSettings.jvm().recipes());
    Cell cell =
        new Cell(
            Optional.of("doctored-dump"),
            Map.of(
                Axis.RECIPE, recipe,
                Axis.DEVICE, "pci",
                Axis.PANIC, "pause",
                Axis.AFTER, "dump"));
    planned = TestSettings.session().plan().plan(cell, recipes.get(recipe));
    Prerequisite.qemu(planned.recipe().arch())
        .require(QemuVersionProbe.version(planned.qemu()).isPresent(), planned.qemu().binary());
    image = ImageEnvironment.builder(TestSettings.jvm(), Optional.empty(), s -> {}).image(recipe);
  }

  private static CellResult run(String name, Consumer<Path> doctor) {
    Path artifacts = Path.of(System.getProperty("pvh.build.dir", "target"), "doctored-dump", name);
    CellOptions options =
        TestSettings.session()
            .cellOptions()
            .withHooks(
                new MachineHooks() {
                  @Override
                  public void dumped(Path elf) {
                    doctor.accept(elf);
                  }
                });
    return TestSettings.session()
        .runner(options)
        .run(planned.cell(), image, planned.qemu(), artifacts);
  }

  @Test
  void aTruncatedDumpFailsTheCell() {
    CellResult r =
        run(
            "truncated",
            elf -> {
              try (FileChannel ch = FileChannel.open(elf, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertEquals(Verdict.WRONG_GUEST_STATE, r.verdict(), r.message());
    assertTrue(r.message().contains("the guest's memory dump is not that guest's"), r.message());
    assertTrue(r.message().contains("truncated"), r.message());
    assertTrue(Files.isRegularFile(r.artifacts().resolve(CellArtifacts.DUMP_REPORT)));
  }

  @Test
  void anotherKernelsDumpFailsTheCell() {
    String release = image.kernelRelease();
    // another kernel's release of the same length: 6.12.107+deb13-amd64 -> 6.12.999+deb13-amd64
    String other = release.replaceFirst("^(\\d+\\.\\d+\\.)\\d+", "$1" + "9".repeat(3));
    if (other.length() != release.length()) {
      other = release.replaceFirst("\\d", "9");
    }
    assumeTrue(!other.equals(release) && other.length() == release.length(), release);
    AtomicInteger rewritten = new AtomicInteger();
    String to = other;
    CellResult r = run("another-kernel", elf -> rewritten.set(replaceAll(elf, release, to)));

    assertTrue(rewritten.get() > 0, "the dump held the release " + release);
    assertEquals(Verdict.WRONG_GUEST_STATE, r.verdict(), r.message());
    assertTrue(
        r.message().contains("its VMCOREINFO 'OSRELEASE=" + release + "' is not in the dumped"),
        r.message());
    assertTrue(
        r.message().contains("the kernel's banner 'Linux version " + release + "' is not in"),
        r.message());
    System.out.println(
        "rewrote " + rewritten.get() + " occurrences of " + release + "; the verdict:\n" + r);
  }

  /** Rewrites every occurrence of {@code from} in {@code file} to {@code to} (same length). */
  static int replaceAll(Path file, String from, String to) {
    byte[] a = from.getBytes(StandardCharsets.US_ASCII);
    byte[] b = to.getBytes(StandardCharsets.US_ASCII);
    int count = 0;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw");
        FileChannel ch = f.getChannel()) {
      long size = ch.size();
      long window = 64L << 20;
      for (long start = 0; start < size; start += window - a.length) {
        long len = Math.min(window, size - start);
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, start, len);
        for (int i = 0; i + a.length <= len; i++) {
          if (m.get(i) != a[0]) {
            continue;
          }
          int j = 1;
          while (j < a.length && m.get(i + j) == a[j]) {
            j++;
          }
          if (j == a.length) {
            m.put(i, b);
            count++;
          }
        }
        m.force();
        if (start + len >= size) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return count;
  }
}
