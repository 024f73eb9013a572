package dev.pvpanic.harness.run;

import static dev.pvpanic.harness.matrix.PlannedCells.onDebian;
import static dev.pvpanic.harness.matrix.PlannedCells.planned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.image.ImageRecipes;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.PlannedCell;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The slots of a run: what runs when, and how many at once. No guest boots. */
class PipelineTest {

  @Test
  void neverRunsMoreTasksThanSlotsAndRunsWhatTasksQueue() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    try (Pipeline pipe = new Pipeline(2, e -> {})) {
      for (int i = 0; i < 4; i++) {
        String image = "image-" + i;
        pipe.submit(
            Pipeline.Kind.IMAGE,
            0,
            () -> {
              busy(running, most);
              done.add(image);
              // an image queues its cells before it ends: awaitDone waits for them too
              for (int c = 0; c < 3; c++) {
                String cell = image + "/cell-" + c;
                pipe.submit(
                    Pipeline.Kind.CELL,
                    c,
                    () -> {
                      busy(running, most);
                      done.add(cell);
                    });
              }
            });
      }
      pipe.awaitDone();
    }
    assertEquals(16, done.size(), done.toString());
    assertEquals(2, most.get(), "two slots: at most two tasks at once, and both were used");
  }

  /** Both slots of a pipeline held by a task each, released one slot at a time. */
  private static final class Held {
    final Map<String, CountDownLatch> release = new java.util.concurrent.ConcurrentHashMap<>();
    final CountDownLatch started = new CountDownLatch(2);

    Held(Pipeline pipe) throws InterruptedException {
      for (int i = 0; i < 2; i++) {
        pipe.submit(
            Pipeline.Kind.CELL,
            100,
            () -> {
              CountDownLatch mine = new CountDownLatch(1);
              release.put(Thread.currentThread().getName(), mine);
              started.countDown();
              await(mine);
            });
      }
      assertTrue(started.await(10, TimeUnit.SECONDS), "both slots took a task");
    }

    void free(String slot) {
      release.get(slot).countDown();
    }
  }

  @Test
  void theFirstSlotTakesSnapshotsThenTheHighestRankedImagesThenCells() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    try (Pipeline pipe = new Pipeline(2, e -> {})) {
      Held held = new Held(pipe);
      pipe.submit(Pipeline.Kind.CELL, 26, () -> order.add("cell"));
      pipe.submit(Pipeline.Kind.IMAGE, 30, () -> order.add("quick image"));
      pipe.submit(Pipeline.Kind.IMAGE, 330, () -> order.add("slow image"));
      pipe.submit(Pipeline.Kind.SNAPSHOT, 0, () -> order.add("snapshot"));
      held.free("slot-1");
      waitFor(() -> order.size() == 4);
      held.free("slot-2");
      pipe.awaitDone();
    }
    assertEquals(List.of("snapshot", "slow image", "quick image", "cell"), order);
  }

  @Test
  void otherSlotsTakeTheLongestCellThenSnapshotsThenTheQuickestImage() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    try (Pipeline pipe = new Pipeline(2, e -> {})) {
      Held held = new Held(pipe);
      pipe.submit(Pipeline.Kind.IMAGE, 330, () -> order.add("slow image"));
      pipe.submit(Pipeline.Kind.IMAGE, 30, () -> order.add("quick image"));
      pipe.submit(Pipeline.Kind.CELL, 12, () -> order.add("short cell"));
      pipe.submit(Pipeline.Kind.CELL, 26, () -> order.add("long cell"));
      pipe.submit(Pipeline.Kind.SNAPSHOT, 0, () -> order.add("snapshot"));
      held.free("slot-2");
      waitFor(() -> order.size() == 5);
      held.free("slot-1");
      pipe.awaitDone();
    }
    assertEquals(
        List.of("long cell", "short cell", "snapshot", "quick image", "slow image"), order);
  }

  @Test
  void tasksSubmittedTogetherAreAllQueuedBeforeASlotChooses() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    try (Pipeline pipe = new Pipeline(1, e -> {})) {
      // one slot takes the quickest image first: only if it sees both. The list hands over its
      // second task 200 ms after its first: a free slot would have taken the slow one by then.
      List<Pipeline.Ranked> tasks =
          List.of(
              new Pipeline.Ranked(330, () -> order.add("slow image")),
              new Pipeline.Ranked(30, () -> order.add("quick image")));
      List<Pipeline.Ranked> slowToHandOver =
          new java.util.AbstractList<>() {
            @Override
            public Pipeline.Ranked get(int i) {
              if (i == 1) {
                pause(200);
              }
              return tasks.get(i);
            }

            @Override
            public int size() {
              return tasks.size();
            }
          };
      pipe.submitAll(Pipeline.Kind.IMAGE, slowToHandOver);
      pipe.awaitDone();
    }
    assertEquals(List.of("quick image", "slow image"), order);
  }

  @Test
  void equalRanksKeepTheirOrder() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    try (Pipeline pipe = new Pipeline(1, e -> {})) {
      CountDownLatch hold = new CountDownLatch(1);
      pipe.submit(Pipeline.Kind.CELL, 99, () -> await(hold));
      waitFor(() -> true);
      for (String c : List.of("a", "b", "c")) {
        pipe.submit(Pipeline.Kind.CELL, 7, () -> order.add(c));
      }
      hold.countDown();
      pipe.awaitDone();
    }
    assertEquals(List.of("a", "b", "c"), order);
  }

  @Test
  void aTaskThatThrowsIsReportedAndTheRestStillRun() throws Exception {
    List<RuntimeException> failed = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ran = new AtomicInteger();
    try (Pipeline pipe = new Pipeline(1, failed::add)) {
      pipe.submit(
          Pipeline.Kind.CELL,
          1,
          () -> {
            throw new IllegalStateException("cell broke");
          });
      pipe.submit(Pipeline.Kind.CELL, 0, ran::incrementAndGet);
      pipe.awaitDone();
    }
    assertEquals(1, ran.get());
    assertEquals("cell broke", failed.get(0).getMessage());
  }

  @Test
  void aPipelineNeedsASlot() {
    assertThrows(IllegalArgumentException.class, () -> new Pipeline(0, e -> {}));
  }

  @Test
  void theQuickestImageForTheMostCellTimeRanksFirstThenByLongestCellThenSlowestBuild() {
    ImageRecipes r = ImageRecipes.load(TestSettings.checkout().recipes());
    Map<String, List<PlannedCell>> byImage = new LinkedHashMap<>();
    String debianArm = Userland.DEBIAN.imageName("aarch64-6.12-bpo");
    String debianX86 = Userland.DEBIAN.imageName("x86_64-6.12");
    byImage.put(debianX86, List.of(onDebian(planned("d1", "x86_64-6.12", "yes", r))));
    byImage.put(debianArm, List.of(onDebian(planned("d2", "aarch64-6.12-bpo", "no", r))));
    byImage.put("x86_64-6.1", List.of(planned("a", "x86_64-6.1", "no", r)));
    byImage.put(
        "x86_64-6.12",
        List.of(planned("b", "x86_64-6.12", "yes", r), planned("c", "x86_64-6.12", "no", r)));
    Map<String, Double> ranks = MatrixRunner.buildRanks(byImage);
    List<String> highestFirst =
        ranks.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .toList();
    // the x86_64 system's kdump cell is the longest of all; the arm64 system's build the slowest
    assertEquals(List.of("x86_64-6.12", debianX86, debianArm, "x86_64-6.1"), highestFirst);
    assertEquals(Double.MAX_VALUE, ranks.get("x86_64-6.12"));
    assertEquals(Map.of(), MatrixRunner.buildRanks(Map.of()));
  }

  private static void busy(AtomicInteger running, AtomicInteger most) {
    int now = running.incrementAndGet();
    most.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.decrementAndGet();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    Thread.sleep(50);
  }
}
