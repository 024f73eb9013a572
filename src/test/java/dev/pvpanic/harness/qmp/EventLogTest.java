package dev.pvpanic.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLogTest {
  private final EventLog log = new EventLog();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    later.shutdownNow();
  }

  private QmpEvent append(String name) {
    return append(name, JsonNodeFactory.instance.objectNode());
  }

  private QmpEvent append(String name, ObjectNode data) {
    QmpEvent event = new QmpEvent(log.size(), name, data, Instant.now(), Instant.now());
    log.append(event);
    return event;
  }

  private void appendIn(Duration delay, String name) {
    later.schedule(() -> append(name), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void awaitFindsAnEventThatArrivedBeforeTheWaitBegan() {
    append("RESUME");
    QmpEvent panicked = append("GUEST_PANICKED");

    long start = System.nanoTime();
    QmpEvent found = log.await("GUEST_PANICKED", 0, Duration.ofSeconds(5));

    assertSame(panicked, found);
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "did not wait");
  }

  @Test
  void awaitWaitsForAnEventStillToCome() {
    append("RESUME");
    appendIn(Duration.ofMillis(100), "SHUTDOWN");

    QmpEvent found = log.await("SHUTDOWN", 0, Duration.ofSeconds(5));

    assertEquals(1, found.index());
  }

  @Test
  void awaitSkipsNonMatchingEventsWithoutConsumingThem() {
    append("RESET", JsonNodeFactory.instance.objectNode().put("guest", false));
    append("STOP");
    QmpEvent guestReset = append("RESET", JsonNodeFactory.instance.objectNode().put("guest", true));

    QmpEvent found =
        log.await(
            e -> e.name().equals("RESET") && e.data().path("guest").asBoolean(),
            "guest RESET",
            0,
            Duration.ofSeconds(1));

    assertSame(guestReset, found);
    assertEquals(0, log.await("RESET", 0, Duration.ofSeconds(1)).index());
    assertEquals(1, log.await("STOP", 0, Duration.ofSeconds(1)).index());
    assertEquals(3, log.snapshot().size());
  }

  @Test
  void awaitStartsAtFromIndex() {
    append("RESET");
    append("STOP");
    append("RESET");

    assertEquals(2, log.await("RESET", 1, Duration.ofSeconds(1)).index());
  }

  @Test
  void awaitTimesOutNamingWhatItWaitedForAndWhatCame() {
    append("RESUME");
    append("RESET", JsonNodeFactory.instance.objectNode().put("guest", true));
    append("STOP");

    long start = System.nanoTime();
    QmpTimeoutException e =
        assertThrows(
            QmpTimeoutException.class,
            () ->
                log.await(
                    QmpEvent.named("GUEST_PANICKED"), "the panic", 1, Duration.ofMillis(200)));

    assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
    assertEquals(
        "no event matching the panic within 200 ms; events since #1:"
            + " [#1 RESET {\"guest\":true}, #2 STOP]",
        e.getMessage());
  }

  @Test
  void awaitOnAClosedLogFailsAtOnceInsteadOfWaitingOutTheTimeout() {
    append("STOP");
    later.schedule(() -> log.close("QEMU closed the monitor"), 100, TimeUnit.MILLISECONDS);

    long start = System.nanoTime();
    QmpDisconnectedException e =
        assertThrows(
            QmpDisconnectedException.class, () -> log.await("SHUTDOWN", 0, Duration.ofSeconds(30)));

    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "failed quickly");
    assertTrue(e.getMessage().contains("SHUTDOWN"), e.getMessage());
    assertTrue(e.getMessage().contains("QEMU closed the monitor"), e.getMessage());
    assertTrue(e.getMessage().contains("#0 STOP"), e.getMessage());
  }

  @Test
  void aClosedLogStillAnswersWithEventsItHas() {
    append("SHUTDOWN");
    log.close("QEMU exited");

    assertEquals("SHUTDOWN", log.await("SHUTDOWN", 0, Duration.ofSeconds(1)).name());
    assertEquals(java.util.Optional.of("QEMU exited"), log.closedReason());
  }

  @Test
  void awaitQuietReturnsAfterTheQuietPeriodWhenNothingComes() {
    append("SHUTDOWN");

    long start = System.nanoTime();
    List<QmpEvent> arrived = log.awaitQuiet(Duration.ofMillis(200), Duration.ofSeconds(5));
    long waited = System.nanoTime() - start;

    assertEquals(List.of(), arrived);
    assertTrue(waited >= Duration.ofMillis(200).toNanos(), "waited " + waited);
    assertTrue(waited < Duration.ofSeconds(3).toNanos(), "waited " + waited);
  }

  @Test
  void awaitQuietRestartsOnEachEventAndReturnsWhatArrived() {
    append("STOP");
    long start = System.nanoTime();
    appendIn(Duration.ofMillis(100), "RESET");

    List<QmpEvent> arrived = log.awaitQuiet(Duration.ofMillis(400), Duration.ofSeconds(5));
    long waited = System.nanoTime() - start;

    assertEquals(List.of("RESET"), arrived.stream().map(QmpEvent::name).toList());
    assertTrue(
        waited >= Duration.ofMillis(500).toNanos(), "quiet counted from the RESET: " + waited);
  }

  @Test
  void awaitQuietGivesUpAtMaxWhenEventsKeepComing() {
    later.scheduleAtFixedRate(() -> append("RTC_CHANGE"), 0, 50, TimeUnit.MILLISECONDS);

    long start = System.nanoTime();
    List<QmpEvent> arrived = log.awaitQuiet(Duration.ofMillis(300), Duration.ofMillis(600));
    long waited = System.nanoTime() - start;

    assertTrue(waited >= Duration.ofMillis(600).toNanos(), "waited " + waited);
    assertTrue(waited < Duration.ofSeconds(3).toNanos(), "waited " + waited);
    assertTrue(arrived.size() >= 3, "events that kept coming: " + arrived);
  }

  @Test
  void awaitQuietSinceLastCountsTheQuietThatPassedBeforeTheCall() throws Exception {
    append("RESET");
    long appended = System.nanoTime();
    Thread.sleep(800);

    List<QmpEvent> arrived =
        log.awaitQuietSinceLast(
            Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofSeconds(10));
    long sinceEvent = System.nanoTime() - appended;

    assertEquals(List.of(), arrived);
    assertTrue(sinceEvent >= Duration.ofMillis(1000).toNanos(), "quiet " + sinceEvent);
    // counted from the call it would be 1,800 ms or more
    assertTrue(
        sinceEvent < Duration.ofMillis(1800).toNanos(), "counted from the call: " + sinceEvent);
  }

  @Test
  void awaitQuietSinceLastStillWaitsAtLeastItsMinimumAfterALongQuiet() throws Exception {
    append("RESET");
    Thread.sleep(600);

    long start = System.nanoTime();
    log.awaitQuietSinceLast(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofSeconds(5));
    long waited = System.nanoTime() - start;

    assertTrue(waited >= Duration.ofMillis(200).toNanos(), "waited " + waited);
  }

  @Test
  void awaitQuietSinceLastRestartsOnAnEventDuringTheCall() throws Exception {
    append("RESET");
    Thread.sleep(200); // still 200 ms short of quiet when the call begins
    long start = System.nanoTime();
    appendIn(Duration.ofMillis(100), "RESET");

    List<QmpEvent> arrived =
        log.awaitQuietSinceLast(
            Duration.ofMillis(400), Duration.ofMillis(50), Duration.ofSeconds(5));
    long waited = System.nanoTime() - start;

    assertEquals(List.of("RESET"), arrived.stream().map(QmpEvent::name).toList());
    assertTrue(
        waited >= Duration.ofMillis(500).toNanos(), "quiet counted from the new event: " + waited);
  }

  @Test
  void awaitQuietSinceLastRefusesAMinimumLongerThanTheQuietPeriod() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                log.awaitQuietSinceLast(
                    Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("atLeast"), e.getMessage());
  }

  @Test
  void awaitQuietOnAClosedLogReturnsAtOnce() {
    log.close("gone");

    long start = System.nanoTime();
    log.awaitQuiet(Duration.ofSeconds(10), Duration.ofSeconds(10));

    assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
  }

  @Test
  void listenersSeeEachAppendedEventInOrder() {
    List<String> seen = new CopyOnWriteArrayList<>();
    log.addListener(event -> seen.add(event.toString()));
    log.addListener(
        event -> {
          throw new IllegalStateException("a broken listener must not stop the others");
        });

    append("STOP");
    append("RESUME");

    assertEquals(List.of("STOP", "RESUME"), seen);
    assertEquals(2, log.size());
  }

  @Test
  void rejectsAnEventOutOfOrder() {
    append("STOP");
    QmpEvent wrongIndex = new QmpEvent(5, "RESUME", null, Instant.now(), Instant.now());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> log.append(wrongIndex));
    assertTrue(e.getMessage().contains("next index is 1"), e.getMessage());
  }

  @Test
  void awaitRestoresTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      QmpException e =
          assertThrows(QmpException.class, () -> log.await("STOP", 0, Duration.ofSeconds(5)));
      assertTrue(Thread.currentThread().isInterrupted());
      assertTrue(e.getMessage().startsWith("interrupted"), e.getMessage());
    } finally {
      Thread.interrupted();
    }
  }
}
