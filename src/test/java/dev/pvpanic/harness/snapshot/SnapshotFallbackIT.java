package dev.pvpanic.harness.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.Sha256;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.MachineHooks;
import dev.pvpanic.harness.cell.SeedCell;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.image.GuestImage;
import dev.pvpanic.harness.image.cache.ContentStore;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A snapshot is a cache entry, not part of what is tested: when it is damaged, or QEMU cannot load
 * it, the cell boots cold, passes as it would have, and says why. (Failing the cell as an
 * infrastructure error instead would turn a cache problem into a red matrix that a rerun fixes.)
 * Each test has its own cache folder, so the shared snapshots are never touched.
 */
class SnapshotFallbackIT {
  private static PlannedCell planned;
  private static GuestImage image;

  @BeforeAll
  static void image() {
    SeedCell seed = SeedCell.named("snapshot-fallback");
    planned = seed.planned();
    image = seed.image();
  }

  private static Path build(String name) {
    return Path.of(System.getProperty("pvh.build.dir", "target"), "snapshot-fallback", name)
        .toAbsolutePath();
  }

  private static CellRunner runner(String name) throws IOException {
    return runner(name, MachineHooks.NONE);
  }

  private static CellRunner runner(String name, MachineHooks hooks) throws IOException {
    Path cache = build(name).resolve("cache");
    if (Files.exists(cache)) {
      try (var files = Files.walk(cache)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return new CellRunner(
        TestSettings.session().cellOptions().withCold(false).withHooks(hooks),
        new SnapshotStore(new ContentStore(cache)));
  }

  private static GuestSnapshot prepared(CellRunner runner) {
    SnapshotStore.Lookup l = runner.prepareSnapshot(planned.cell(), image, planned.qemu());
    return assertInstanceOf(SnapshotStore.Restorable.class, l, l.toString()).snapshot();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aDamagedSnapshotIsDroppedAndTheCellBootsColdSayingWhy() throws IOException {
    CellRunner runner = runner("damaged");
    GuestSnapshot s = prepared(runner);
    try (RandomAccessFile f = new RandomAccessFile(s.state().toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    CellResult r =
        runner.run(planned.cell(), image, planned.qemu(), build("damaged").resolve("cell"));
    assertEquals(Verdict.PASS, r.verdict(), r.message());
    assertFalse(r.start().restored());
    String reason = r.start().reason().orElse("");
    assertTrue(reason.contains("damaged") && reason.contains("SHA-256"), reason);
    assertFalse(Files.exists(s.dir()), "the damaged snapshot is removed");
    String json = Files.readString(r.artifacts().resolve("cell.json"));
    assertTrue(json.contains("\"start\" : \"cold\"") && json.contains("damaged"), json);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aSnapshotQemuCannotLoadMakesTheCellBootColdWithQemusReason() throws IOException {
    CellRunner runner = runner("refused");
    GuestSnapshot s = prepared(runner);
    // Cut the stream in half and record the cut file as if it had been saved so: the store's own
    // check passes, and it is QEMU's load that fails.
    try (RandomAccessFile f = new RandomAccessFile(s.state().toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode d = (ObjectNode) json.readTree(s.description().toFile());
    d.put("stateBytes", Files.size(s.state()));
    d.put("stateSha256", Sha256.of(s.state()));
    json.writeValue(s.description().toFile(), d);

    CellResult r =
        runner.run(planned.cell(), image, planned.qemu(), build("refused").resolve("cell"));
    assertEquals(Verdict.PASS, r.verdict(), r.message());
    assertFalse(r.start().restored());
    String reason = r.start().reason().orElse("");
    assertTrue(
        reason.contains("restoring snapshot " + s.shortKey() + " failed")
            && reason.contains("load of migration failed"),
        reason);
    assertTrue(
        r.phases().containsKey("fallback") && r.phases().containsKey("boot"),
        r.phases().toString());
    SnapshotStore.Lookup again = runner.prepareSnapshot(planned.cell(), image, planned.qemu());
    String later = assertInstanceOf(SnapshotStore.Unusable.class, again).reason();
    assertTrue(later.contains("earlier in this run"), later);
  }

  /**
   * A QEMU killed from outside (SIGKILL: the OOM killer, an operator) while it loads the snapshot
   * says nothing about the snapshot: the cell boots cold saying so, and the snapshot is kept for
   * the next cell, which restores it.
   */
  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void aQemuKilledFromOutsideWhileRestoringKeepsTheSnapshot() throws IOException {
    java.util.concurrent.atomic.AtomicLong killed = new java.util.concurrent.atomic.AtomicLong();
    CellRunner runner =
        runner(
            "killed",
            new MachineHooks() {
              @Override
              public void restoring(dev.pvpanic.harness.machine.QemuMachine machine) {
                if (killed.compareAndSet(0, machine.pid())) {
                  ProcessHandle.of(machine.pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
              }
            });
    GuestSnapshot s = prepared(runner);

    CellResult r =
        runner.run(planned.cell(), image, planned.qemu(), build("killed").resolve("cell"));

    assertTrue(killed.get() > 0, "the hook killed the restoring QEMU");
    assertEquals(Verdict.PASS, r.verdict(), r.message());
    assertFalse(r.start().restored());
    String reason = r.start().reason().orElse("");
    assertTrue(
        reason.contains(
            "killed by signal 9 (SIGKILL) from outside while it loaded the snapshot,"
                + " which is kept"),
        reason);
    assertTrue(Files.exists(s.state()), "the snapshot is kept");
    CellResult again =
        runner.run(planned.cell(), image, planned.qemu(), build("killed").resolve("again"));
    assertEquals(Verdict.PASS, again.verdict(), again.message());
    assertTrue(again.start().restored(), "the next cell restores it: " + again.start());
  }
}
