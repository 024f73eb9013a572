package dev.pvpanic.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.qmp.FakeQmpServer.ReceivedCommand;
import dev.pvpanic.harness.qmp.FakeQmpServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpClientTest {
  private static final Duration SHORT = Duration.ofSeconds(5);

  /** Long enough that a test finishing quickly proves it did not wait for it. */
  private static final Duration LONG = Duration.ofSeconds(30);

  private final FakeQmpServer fake = new FakeQmpServer();

  @TempDir Path tmp;

  @AfterEach
  void closeFake() {
    fake.close();
  }

  private static QmpOptions options(String name, Duration commandTimeout) {
    return QmpOptions.defaults().withName(name).withCommandTimeout(commandTimeout);
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static <T extends Throwable> T causeOf(Class<T> type, Future<?> future) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> future.get(SHORT.toMillis(), TimeUnit.MILLISECONDS));
    return assertInstanceOf(type, e.getCause());
  }

  @Test
  void readsTheGreetingAndNegotiatesCapabilitiesFirst() {
    fake.withVersion(new QemuVersion(8, 2, 1, "Debian 1:8.2.1")).withCapabilities("oob");

    QmpClient client = fake.connect();

    assertEquals(new QemuVersion(8, 2, 1, "Debian 1:8.2.1"), client.version());
    assertEquals(List.of("oob"), client.greeting().capabilities());
    assertTrue(client.isConnected());
    ReceivedCommand first = fake.received().get(0);
    assertEquals("qmp_capabilities", first.name());
    assertEquals("pvh-1", first.id());
  }

  @Test
  void executeSendsArgumentsAndReturnsTheResult() {
    fake.on(
        "human-monitor-command",
        command -> Reply.ok("ran " + command.arguments().path("command-line").asText()));
    QmpClient client = fake.connect();

    JsonNode ret = client.execute("human-monitor-command", Map.of("command-line", "info status"));

    assertEquals("ran info status", ret.asText());
    ReceivedCommand sent = fake.awaitCommand("human-monitor-command", SHORT);
    assertEquals("info status", sent.arguments().path("command-line").asText());
    assertEquals("pvh-2", sent.id());
  }

  @Test
  void eventsArrivingBetweenACommandAndItsReplyLandInTheLogInOrder() throws Exception {
    fake.on("cont", Reply.none());
    QmpClient client = fake.connect();
    fake.emitEvent("STOP");

    CompletableFuture<JsonNode> cont = client.submit("cont", Map.of());
    ReceivedCommand received = fake.awaitCommand("cont", SHORT);
    fake.emitEvent("RESUME");
    fake.emitEvent("GUEST_PANICKED", Map.of("action", "pause"));
    fake.reply(received, Reply.ok(Map.of("answer", 42)));

    assertEquals(42, cont.get(5, TimeUnit.SECONDS).path("answer").asInt());
    // Events sent before the reply are in the log by the time the reply is delivered.
    List<QmpEvent> events = client.events().snapshot();
    assertEquals(
        List.of("STOP", "RESUME", "GUEST_PANICKED {\"action\":\"pause\"}"),
        events.stream().map(QmpEvent::toString).toList());
    assertEquals(List.of(0L, 1L, 2L), events.stream().map(QmpEvent::index).toList());
  }

  @Test
  void eventsAroundAReplyFromAHandlerAreAllKept() {
    fake.on(
        "system_reset",
        Reply.event("RESET", Map.of("guest", false, "reason", "host-qmp-system-reset"))
            .then(Reply.ok())
            .then(Reply.event("RESUME", null)));
    QmpClient client = fake.connect();

    client.execute("system_reset");

    assertEquals("RESET", client.events().await("RESET", 0, SHORT).name());
    assertEquals(1, client.events().await("RESUME", 0, SHORT).index());
  }

  @Test
  void repliesOutOfOrderReachTheirOwnCommands() throws Exception {
    fake.on("first", Reply.none()).on("second", command -> Reply.ok("second"));
    QmpClient client = fake.connect();

    CompletableFuture<JsonNode> first = client.submit("first", Map.of());
    CompletableFuture<JsonNode> second = client.submit("second", Map.of());

    assertEquals("second", second.get(5, TimeUnit.SECONDS).asText());
    assertFalse(first.isDone());
    fake.reply(fake.awaitCommand("first", SHORT), Reply.ok("first"));
    assertEquals("first", first.get(5, TimeUnit.SECONDS).asText());
  }

  @Test
  void aDelayedReplyDoesNotHoldUpLaterOnes() throws Exception {
    fake.on("slow", Reply.after(Duration.ofMillis(300), Reply.ok("slow")))
        .on("fast", Reply.ok("fast"));
    QmpClient client = fake.connect();
    List<String> completionOrder = new CopyOnWriteArrayList<>();

    CompletableFuture<JsonNode> slow =
        client.submit("slow", Map.of()).whenComplete((r, e) -> completionOrder.add("slow"));
    CompletableFuture<JsonNode> fast =
        client.submit("fast", Map.of()).whenComplete((r, e) -> completionOrder.add("fast"));

    assertEquals("slow", slow.get(5, TimeUnit.SECONDS).asText());
    assertEquals("fast", fast.get(5, TimeUnit.SECONDS).asText());
    assertEquals(List.of("fast", "slow"), completionOrder);
  }

  @Test
  void fiftyConcurrentCommandsEachGetTheirOwnReply() throws Exception {
    fake.on(
        "echo",
        command ->
            Reply.after(
                Duration.ofMillis(ThreadLocalRandom.current().nextInt(30)),
                Reply.ok(command.arguments())));
    QmpClient client = fake.connect();
    ExecutorService callers = Executors.newFixedThreadPool(10);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        int n = i;
        answers.add(
            callers.submit(() -> client.execute("echo", Map.of("n", n)).path("n").asInt(-1)));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals(i, answers.get(i).get(10, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
    List<String> ids = fake.received().stream().map(ReceivedCommand::id).toList();
    assertEquals(51, ids.size());
    assertEquals(51, ids.stream().distinct().count(), "ids are unique: " + ids);
  }

  @Test
  void anErrorReplyBecomesAnErrorExceptionAndTheClientCarriesOn() {
    fake.on("cont", Reply.error("GenericError", "Resetting the Virtual Machine is required"));
    QmpClient client = fake.connect();

    QmpErrorException e = assertThrows(QmpErrorException.class, () -> client.execute("cont"));

    assertEquals("cont", e.command());
    assertEquals("GenericError", e.errorClass());
    assertEquals("Resetting the Virtual Machine is required", e.description());
    assertEquals(
        "QMP command 'cont' failed: GenericError: Resetting the Virtual Machine is required",
        e.getMessage());
    assertTrue(
        List.of(e.getStackTrace()).stream()
            .anyMatch(frame -> frame.getMethodName().startsWith("anErrorReply")),
        "the stack trace shows the caller");
    assertEquals("running", client.execute("query-status").path("status").asText());
  }

  @Test
  void anUnknownCommandFailsWithQemusCommandNotFound() {
    QmpClient client = fake.connect();

    QmpErrorException e =
        assertThrows(QmpErrorException.class, () -> client.execute("no-such-command"));

    assertEquals("CommandNotFound", e.errorClass());
  }

  @Test
  void passFdSendsTheOpenFileWithGetfdAndQemuCanReadIt() throws Exception {
    fake.on("getfd", Reply.ok());
    QmpClient client = fake.connect();
    Path state = Files.writeString(tmp.resolve("state.bin"), "saved machine");

    try (java.io.FileInputStream in = new java.io.FileInputStream(state.toFile())) {
      client.passFd("restore", in.getFD());
    }

    ReceivedCommand getfd = fake.awaitCommand("getfd", SHORT);
    assertEquals("restore", getfd.arguments().path("fdname").asText());
    assertEquals(1, getfd.fds().size(), "one descriptor with the command");
    try (java.io.FileInputStream theirs = new java.io.FileInputStream(getfd.fds().get(0))) {
      assertEquals("saved machine", new String(theirs.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void addFdPutsTheFileIntoTheNamedSetAndLaterCommandsCarryNone() throws Exception {
    fake.on("add-fd", Reply.ok(Map.of("fdset-id", 3, "fd", 9)));
    QmpClient client = fake.connect();
    Path dump = tmp.resolve("dump.elf");

    try (java.io.FileOutputStream out = new java.io.FileOutputStream(dump.toFile())) {
      client.addFd(3, out.getFD());
    }
    client.execute("query-status");

    ReceivedCommand addFd = fake.awaitCommand("add-fd", SHORT);
    assertEquals(3, addFd.arguments().path("fdset-id").asInt());
    assertEquals(1, addFd.fds().size());
    assertEquals(List.of(), fake.awaitCommand("query-status", SHORT).fds());
  }

  @Test
  void aConnectionThatCannotPassDescriptorsSaysSoAndCarriesOn() throws Exception {
    FakeQmpServer plain = new FakeQmpServer();
    Path folder = Files.createTempDirectory(Path.of("/tmp"), "pvh-qmp-");
    Path socket = folder.resolve("qmp.sock");
    try (plain;
        org.newsclub.net.unix.AFUNIXServerSocket listener =
            org.newsclub.net.unix.AFUNIXServerSocket.bindOn(
                org.newsclub.net.unix.AFUNIXSocketAddress.of(socket), true)) {
      plain.connectTo(socket);
      java.net.Socket accepted = listener.accept();
      QmpClient client =
          QmpClient.open(
              accepted.getInputStream(), accepted.getOutputStream(), accepted, options("p", SHORT));
      try (client;
          java.io.FileInputStream in = new java.io.FileInputStream("/dev/null")) {
        QmpException e = assertThrows(QmpException.class, () -> client.passFd("x", in.getFD()));
        assertTrue(e.getMessage().contains("cannot pass"), e.getMessage());
        assertEquals("running", client.execute("query-status").path("status").asText());
      }
    } finally {
      org.apache.commons.io.FileUtils.deleteQuietly(folder.toFile());
    }
  }

  @Test
  void aDisconnectFailsTheWaitingCommandsAtOnceNamingThem() throws Exception {
    fake.on("stop", Reply.none()).on("cont", Reply.drop());
    QmpClient client = fake.connect(options("cell-7", LONG));
    CompletableFuture<JsonNode> stop = client.submit("stop", Map.of());
    fake.awaitCommand("stop", SHORT);

    long start = System.nanoTime();
    QmpDisconnectedException cont =
        assertThrows(QmpDisconnectedException.class, () -> client.execute("cont"));

    assertTrue(since(start).compareTo(SHORT) < 0, "failed after " + since(start));
    assertEquals(
        "QEMU closed the monitor while waiting for the reply to 'cont' [cell-7]",
        cont.getMessage());
    assertEquals(
        "QEMU closed the monitor while waiting for the reply to 'stop' [cell-7]",
        causeOf(QmpDisconnectedException.class, stop).getMessage());
    assertFalse(client.isConnected());
  }

  @Test
  void afterADisconnectEveryCommandAndEventWaitFailsAtOnce() {
    QmpClient client = fake.connect(options("cell-8", LONG));
    fake.dropConnection();
    assertThrows(QmpDisconnectedException.class, () -> client.events().await("SHUTDOWN", 0, LONG));

    long start = System.nanoTime();
    QmpDisconnectedException later =
        assertThrows(QmpDisconnectedException.class, () -> client.execute("query-status"));
    QmpDisconnectedException submitted =
        causeOf(QmpDisconnectedException.class, client.submit("cont", Map.of()));

    assertTrue(since(start).compareTo(SHORT) < 0, "failed after " + since(start));
    assertEquals(
        "QEMU closed the monitor; cannot send 'query-status' [cell-8]", later.getMessage());
    assertTrue(submitted.getMessage().contains("cannot send 'cont'"), submitted.getMessage());
  }

  @Test
  void quitRepliesThenShutsDownThenCloses() {
    QmpClient client = fake.connect(options("quit", LONG));

    client.execute("quit");

    QmpEvent shutdown = client.events().await("SHUTDOWN", 0, SHORT);
    assertEquals("host-qmp-quit", shutdown.data().path("reason").asText());
    assertThrows(QmpDisconnectedException.class, () -> client.events().await("RESET", 0, LONG));
  }

  @Test
  void aMalformedLineFailsTheWaitingCommandQuotingItAndClosesTheClient() {
    fake.on("query-status", Reply.raw("{\"return\": {\"status\": running}"));
    QmpClient client = fake.connect(options("garbled", LONG));

    long start = System.nanoTime();
    QmpProtocolException e =
        assertThrows(QmpProtocolException.class, () -> client.execute("query-status"));

    assertTrue(since(start).compareTo(SHORT) < 0, "failed after " + since(start));
    assertTrue(e.getMessage().contains("'{\"return\": {\"status\": running}'"), e.getMessage());
    assertTrue(e.getMessage().contains("'query-status'"), e.getMessage());
    assertFalse(client.isConnected());
    QmpDisconnectedException later =
        assertThrows(QmpDisconnectedException.class, () -> client.execute("cont"));
    assertInstanceOf(QmpProtocolException.class, later.getCause());
  }

  @Test
  void aMalformedLineBetweenCommandsClosesTheClientToo() {
    QmpClient client = fake.connect(options("garbled", LONG));

    fake.sendLine("this is not QMP");

    QmpDisconnectedException e =
        assertThrows(QmpDisconnectedException.class, () -> client.events().await("STOP", 0, SHORT));
    assertTrue(e.getMessage().contains("'this is not QMP'"), e.getMessage());
    assertFalse(client.isConnected());
  }

  @Test
  void aSlowReplyWithinTheTimeoutSucceeds() {
    fake.on(
        "query-status", Reply.after(Duration.ofMillis(300), Reply.ok(Map.of("status", "paused"))));
    QmpClient client = fake.connect(options("slow", SHORT));

    assertEquals("paused", client.execute("query-status").path("status").asText());
  }

  @Test
  void aReplySlowerThanTheTimeoutIsATimeoutAndTheLateReplyIsIgnored() {
    fake.on("stop", Reply.none());
    QmpClient client = fake.connect(options("slow", SHORT));

    long start = System.nanoTime();
    QmpTimeoutException e =
        assertThrows(
            QmpTimeoutException.class,
            () -> client.execute("stop", Map.of(), Duration.ofMillis(300)));

    assertTrue(since(start).compareTo(Duration.ofMillis(300)) >= 0);
    assertEquals("QMP command 'stop' got no reply within 300 ms [slow]", e.getMessage());
    fake.reply(fake.awaitCommand("stop", SHORT), Reply.ok("late"));
    assertEquals("running", client.execute("query-status").path("status").asText());
    assertTrue(client.isConnected());
  }

  @Test
  void aSubmittedCommandTimesOutAfterTheCommandTimeout() {
    fake.on("stop", Reply.none());
    QmpClient client = fake.connect(options("slow", Duration.ofMillis(300)));

    QmpTimeoutException e = causeOf(QmpTimeoutException.class, client.submit("stop", Map.of()));

    assertEquals("QMP command 'stop' got no reply within 300 ms [slow]", e.getMessage());
  }

  @Test
  void noGreetingIsATimeoutThatSaysSo() {
    fake.withoutGreeting();

    QmpTimeoutException e =
        assertThrows(
            QmpTimeoutException.class, () -> fake.connect(options("mute", Duration.ofMillis(300))));

    assertEquals("QEMU sent no QMP greeting within 300 ms [mute]", e.getMessage());
  }

  @Test
  void aConnectionClosedBeforeTheGreetingSaysSo() {
    fake.droppingBeforeGreeting();

    QmpDisconnectedException e =
        assertThrows(QmpDisconnectedException.class, () -> fake.connect(options("gone", LONG)));

    assertEquals(
        "QEMU closed the monitor while waiting for the QMP greeting [gone]", e.getMessage());
  }

  @Test
  void closeFailsWaitingCommandsStopsTheReaderAndCanBeRepeated() {
    fake.on("cont", Reply.none());
    QmpClient client = fake.connect(options("closing-test", LONG));
    CompletableFuture<JsonNode> cont = client.submit("cont", Map.of());
    fake.awaitCommand("cont", SHORT);

    client.close();
    client.close();

    assertEquals(
        "the QMP client was closed while waiting for the reply to 'cont' [closing-test]",
        causeOf(QmpDisconnectedException.class, cont).getMessage());
    assertFalse(client.isConnected());
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("qmp-reader-closing-test") && t.isAlive()),
        "reader thread stopped");
  }

  @Test
  void anInterruptedWaitKeepsTheInterruptFlag() {
    fake.on("cont", Reply.none());
    QmpClient client = fake.connect(options("interrupted", LONG));

    Thread.currentThread().interrupt();
    try {
      QmpException e = assertThrows(QmpException.class, () -> client.execute("cont"));
      assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag restored");
      assertEquals(
          "interrupted while waiting for the reply to 'cont' [interrupted]", e.getMessage());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void listenersSeeEventsAsTheyArrive() {
    QmpClient client = fake.connect();
    List<String> seen = new CopyOnWriteArrayList<>();
    client.events().addListener(event -> seen.add(event.name()));

    fake.emitEvent("STOP");
    fake.emitEvent("RESUME");
    client.events().await("RESUME", 0, SHORT);

    // Listeners run right after waiters see the event, on the reader thread.
    Awaitility.await("listener saw both events")
        .atMost(SHORT)
        .untilAsserted(() -> assertEquals(List.of("STOP", "RESUME"), seen));
  }

  @Test
  void aListenerCannotBlockTheReaderOnAReplyButCanSubmit() throws Exception {
    QmpClient client = fake.connect(options("listening", LONG));
    CompletableFuture<Throwable> executeFailure = new CompletableFuture<>();
    CompletableFuture<JsonNode> submitted = new CompletableFuture<>();
    client
        .events()
        .addListener(
            event -> {
              try {
                client.execute("query-status");
                executeFailure.complete(null);
              } catch (RuntimeException e) {
                executeFailure.complete(e);
              }
              client.submit("query-status", Map.of()).whenComplete((r, e) -> submitted.complete(r));
            });

    fake.emitEvent("STOP");

    assertInstanceOf(IllegalStateException.class, executeFailure.get(5, TimeUnit.SECONDS));
    assertEquals("running", submitted.get(5, TimeUnit.SECONDS).path("status").asText());
  }

  @Test
  void anEventKeepsQemusTimestamp() {
    QmpClient client = fake.connect();
    Instant stamp = Instant.parse("2025-06-01T12:00:00.250001Z");

    fake.emitEvent("STOP", null, stamp);

    QmpEvent stop = client.events().await("STOP", 0, SHORT);
    assertEquals(stamp, stop.qemuTime());
  }

  @Test
  void theTranscriptHoldsEveryLineBothWays(@TempDir Path folder) throws Exception {
    Path transcript = folder.resolve("cell").resolve("qmp.log");
    QmpClient client = fake.connect(options("transcribed", SHORT).withTranscript(transcript));

    client.execute("query-status");
    fake.emitEvent("STOP");
    client.events().await("STOP", 0, SHORT);
    client.close();

    List<String> lines = Files.readAllLines(transcript, StandardCharsets.UTF_8);
    List<String> withoutTime =
        lines.stream().map(line -> line.substring(line.indexOf(' ') + 1)).toList();
    assertEquals(6, lines.size(), String.join("\n", lines));
    assertTrue(withoutTime.get(0).startsWith("<- {\"QMP\":"), withoutTime.get(0));
    assertEquals("-> {\"execute\":\"qmp_capabilities\",\"id\":\"pvh-1\"}", withoutTime.get(1));
    assertEquals("<- {\"return\":{},\"id\":\"pvh-1\"}", withoutTime.get(2));
    assertEquals("-> {\"execute\":\"query-status\",\"id\":\"pvh-2\"}", withoutTime.get(3));
    assertTrue(
        withoutTime.get(4).startsWith("<- {\"return\":")
            && withoutTime.get(4).contains("\"status\":\"running\"")
            && withoutTime.get(4).endsWith("\"id\":\"pvh-2\"}"),
        lines.stream().collect(Collectors.joining("\n")));
    assertTrue(withoutTime.get(5).startsWith("<- {\"timestamp\":"), withoutTime.get(5));
    assertTrue(withoutTime.get(5).endsWith("\"event\":\"STOP\"}"), withoutTime.get(5));
    for (String line : lines) {
      Instant.parse(line.substring(0, line.indexOf(' ')));
    }
  }
}
