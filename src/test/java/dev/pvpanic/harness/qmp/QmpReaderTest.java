package dev.pvpanic.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The reader routes each line QEMU sends, and ends the connection once with the reason. */
class QmpReaderTest {
  private static final String GREETING =
      "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 9},"
          + " \"package\": \"\"}, \"capabilities\": []}}";
  private static final String EVENT =
      "{\"timestamp\": {\"seconds\": 1735787045, \"microseconds\": 1},"
          + " \"event\": \"GUEST_PANICKED\", \"data\": {\"action\": \"pause\"}}";

  private final EventLog events = new EventLog();
  private final PendingCommands pending = new PendingCommands();
  private final CompletableFuture<Greeting> greeting = new CompletableFuture<>();
  private final CompletableFuture<QmpTermination> ended = new CompletableFuture<>();

  private void read(String... lines) throws Exception {
    byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    QmpReader reader =
        new QmpReader(
            new ByteArrayInputStream(bytes),
            QmpTranscript.none(),
            events,
            pending,
            greeting,
            "test",
            ended::complete);
    reader.start();
    ended.get(5, TimeUnit.SECONDS);
    reader.join(Duration.ofSeconds(5));
  }

  @Test
  void theGreetingRepliesAndEventsGoWhereTheyBelong() throws Exception {
    PendingCommands.Pending answered = pending.register("query-status");
    PendingCommands.Pending refused = pending.register("stop");
    read(
        GREETING,
        "",
        "{\"return\": {\"status\": \"running\"}, \"id\": \"" + answered.id() + "\"}",
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": \""
            + refused.id()
            + "\"}",
        "{\"return\": {}, \"id\": \"pvh-99\"}",
        EVENT);

    assertEquals(new QemuVersion(9, 2, 0, ""), greeting.join().version());
    assertEquals("running", answered.reply().join().path("status").asText());
    assertTrue(refused.reply().isCompletedExceptionally());
    assertEquals(1, events.size());
    assertEquals("GUEST_PANICKED", events.snapshot().get(0).name());
    assertEquals("QEMU closed the monitor", ended.join().reason());
    assertFalse(ended.join().protocolError());
  }

  @Test
  void aLineBeforeTheGreetingEndsTheConnectionAsAProtocolError() throws Exception {
    read(EVENT, GREETING);

    assertTrue(ended.join().protocolError());
    assertTrue(ended.join().reason().startsWith("expected the QMP greeting first"));
    assertFalse(greeting.isDone(), "nothing after the bad line is read");
    assertEquals(0, events.size());
  }

  @Test
  void aSecondGreetingIsAProtocolError() throws Exception {
    read(GREETING, GREETING);

    assertTrue(ended.join().reason().startsWith("a second QMP greeting arrived"));
  }
}
