package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A scriptable stand-in for QEMU's monitor, over a real AF_UNIX socket, for unit tests.
 *
 * <p>Like QEMU with {@code -qmp unix:PATH} in client mode, it connects to a socket the harness
 * listens on ({@link #connectTo(Path)}), or it sets that up itself and hands back a connected
 * {@link QmpClient} ({@link #connect()}). It then sends a greeting, insists on {@code
 * qmp_capabilities} first (as QEMU does), and answers each command through the handler registered
 * for its name: a success, an error, nothing, a malformed line, a dropped connection, events, or
 * any of these after a delay (delayed replies do not hold up later commands, so replies can come
 * out of order). Events and raw lines can also be sent at any time from the test.
 *
 * <p>Defaults: {@code qmp_capabilities} and {@code query-status} (running) succeed; {@code quit}
 * replies, emits {@code SHUTDOWN} and drops the connection; anything else is {@code
 * CommandNotFound}, as in QEMU. Closing the fake closes the clients it made.
 */
public final class FakeQmpServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration CONNECT_BOUND = Duration.ofSeconds(5);
  private static final Duration STOP_BOUND = Duration.ofSeconds(2);

  /** Decides what the fake does with one command. */
  @FunctionalInterface
  public interface CommandHandler {
    Reply handle(ReceivedCommand command);
  }

  /**
   * A command as the fake received it.
   *
   * @param id the command's id, or null if it had none
   * @param arguments empty when the command had none
   * @param fds the file descriptors that came with the command's bytes (SCM_RIGHTS)
   */
  public record ReceivedCommand(
      String id, String name, ObjectNode arguments, List<java.io.FileDescriptor> fds) {}

  /** What the fake does in answer to a command. Compose with {@link #then(Reply)}. */
  public sealed interface Reply {
    static Reply ok() {
      return new Ok(JsonNodeFactory.instance.objectNode());
    }

    /** Success with {@code ret} (any value Jackson can write) as the {@code return} member. */
    static Reply ok(Object ret) {
      return new Ok(MAPPER.valueToTree(ret));
    }

    static Reply error(String errorClass, String description) {
      return new Error(errorClass, description);
    }

    /** Never answer. */
    static Reply none() {
      return new None();
    }

    /** Close the connection (QEMU crashing or exiting). */
    static Reply drop() {
      return new Drop();
    }

    /** Send this exact line, e.g. a malformed one. */
    static Reply raw(String line) {
      return new Raw(line);
    }

    static Reply event(String name, Map<String, ?> data) {
      return new Event(name, data == null ? null : MAPPER.valueToTree(data));
    }

    /** Wait, without holding up other commands, then do {@code reply}. */
    static Reply after(Duration delay, Reply reply) {
      return new Delayed(delay, reply);
    }

    default Reply then(Reply next) {
      return new Sequence(List.of(this, next));
    }

    record Ok(JsonNode ret) implements Reply {}

    record Error(String errorClass, String description) implements Reply {}

    record None() implements Reply {}

    record Drop() implements Reply {}

    record Raw(String line) implements Reply {}

    /** {@code data} null means the event has no data member. */
    record Event(String name, ObjectNode data) implements Reply {}

    record Delayed(Duration delay, Reply reply) implements Reply {}

    record Sequence(List<Reply> steps) implements Reply {}
  }

  private enum GreetingMode {
    SEND,
    SILENT,
    DROP
  }

  private final Map<String, CommandHandler> handlers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService delayed =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "fake-qmp-delayed");
            thread.setDaemon(true);
            return thread;
          });
  private final ReentrantLock receivedLock = new ReentrantLock();
  private final Condition commandArrived = receivedLock.newCondition();
  private final List<ReceivedCommand> received = new ArrayList<>();
  private final List<QmpClient> clients = new ArrayList<>();
  private final Object writeLock = new Object();

  private QemuVersion version = new QemuVersion(9, 2, 0, "v9.2.0");
  private List<String> capabilities = List.of("oob");
  private GreetingMode greetingMode = GreetingMode.SEND;
  private volatile boolean negotiated;
  private int awaitedUpTo;
  private Path socketFolder;
  private AFUNIXSocket socket;
  private OutputStream out;
  private Thread session;

  public FakeQmpServer() {
    on("qmp_capabilities", command -> Reply.ok());
    on("query-status", command -> Reply.ok(Map.of("status", "running", "running", true)));
    on(
        "quit",
        command ->
            Reply.ok()
                .then(Reply.event("SHUTDOWN", Map.of("guest", false, "reason", "host-qmp-quit")))
                .then(Reply.drop()));
  }

  /** The version the greeting announces (default 9.2.0). */
  public FakeQmpServer withVersion(QemuVersion version) {
    this.version = Objects.requireNonNull(version);
    return this;
  }

  public FakeQmpServer withCapabilities(String... capabilities) {
    this.capabilities = List.of(capabilities);
    return this;
  }

  /** Connect but never send the greeting. */
  public FakeQmpServer withoutGreeting() {
    greetingMode = GreetingMode.SILENT;
    return this;
  }

  /** Connect and close again before the greeting. */
  public FakeQmpServer droppingBeforeGreeting() {
    greetingMode = GreetingMode.DROP;
    return this;
  }

  /** Answers {@code command} through {@code handler}, replacing any earlier handler. */
  public FakeQmpServer on(String command, CommandHandler handler) {
    handlers.put(command, handler);
    return this;
  }

  /** Answers {@code command} always with {@code reply}. */
  public FakeQmpServer on(String command, Reply reply) {
    return on(command, received -> reply);
  }

  /**
   * Listens on a fresh socket under /tmp, connects to it as QEMU would, and opens a client on the
   * accepted end: the production transport. Closed with this fake.
   */
  public QmpClient connect(QmpOptions options) {
    AFUNIXSocket accepted;
    OutputStream toFake;
    java.io.InputStream fromFake;
    try {
      socketFolder = Files.createTempDirectory(Path.of("/tmp"), "pvh-qmp-");
      Path socketPath = socketFolder.resolve("qmp.sock");
      try (AFUNIXServerSocket listener =
          AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(socketPath), true)) {
        listener.setSoTimeout((int) CONNECT_BOUND.toMillis());
        connectTo(socketPath);
        accepted = listener.accept();
      }
      fromFake = accepted.getInputStream();
      toFake = accepted.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException("fake QMP server could not set up its socket", e);
    }
    AFUNIXSocket withFds = accepted;
    QmpClient client =
        QmpClient.open(fromFake, toFake, accepted, withFds::setOutboundFileDescriptors, options);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** {@link #connect(QmpOptions)} with a short command timeout, to keep tests fast. */
  public QmpClient connect() {
    return connect(QmpOptions.defaults().withCommandTimeout(Duration.ofSeconds(5)));
  }

  /** Connects to a socket someone listens on, as QEMU does, and starts serving it. */
  public void connectTo(Path socketPath) throws IOException {
    if (session != null) {
      throw new IllegalStateException("fake QMP server is already connected");
    }
    socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socketPath));
    socket.setAncillaryReceiveBufferSize(1024);
    out = socket.getOutputStream();
    session = new Thread(this::serve, "fake-qmp-session");
    session.setDaemon(true);
    session.start();
  }

  /** Sends an event now, timestamped now. {@code data} null means no data member. */
  public void emitEvent(String name, Map<String, ?> data) {
    emitEvent(name, data == null ? null : MAPPER.valueToTree(data), Instant.now());
  }

  /** Sends an event without data now. */
  public void emitEvent(String name) {
    emitEvent(name, null, Instant.now());
  }

  public void emitEvent(String name, ObjectNode data, Instant timestamp) {
    ObjectNode event = MAPPER.createObjectNode();
    ObjectNode time = event.putObject("timestamp");
    time.put("seconds", timestamp.getEpochSecond());
    time.put("microseconds", timestamp.getNano() / 1_000);
    event.put("event", name);
    if (data != null) {
      event.set("data", data);
    }
    sendLine(event.toString());
  }

  /** Sends {@code line} as is (plus a newline). */
  public void sendLine(String line) {
    synchronized (writeLock) {
      try {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("fake QMP server could not send " + line, e);
      }
    }
  }

  /** Answers {@code command} now, e.g. one whose handler said {@link Reply#none()}. */
  public void reply(ReceivedCommand command, Reply reply) {
    perform(new ArrayDeque<>(List.of(reply)), command);
  }

  /** Closes the connection, as a crashing QEMU would. */
  public void dropConnection() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fake QMP server could not close its socket", e);
    }
  }

  /** Every command received so far, in order. */
  public List<ReceivedCommand> received() {
    receivedLock.lock();
    try {
      return List.copyOf(received);
    } finally {
      receivedLock.unlock();
    }
  }

  /**
   * The next command named {@code name} not returned by an earlier call, waiting for it if needed.
   *
   * @throws AssertionError naming the commands seen if none came within {@code timeout}
   */
  public ReceivedCommand awaitCommand(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    receivedLock.lock();
    try {
      while (true) {
        for (int i = awaitedUpTo; i < received.size(); i++) {
          if (received.get(i).name().equals(name)) {
            awaitedUpTo = i + 1;
            return received.get(i);
          }
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(
              "fake QMP server got no '" + name + "' within " + timeout + "; got " + received);
        }
        commandArrived.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for '" + name + "'", e);
    } finally {
      receivedLock.unlock();
    }
  }

  /** Closes the clients made by {@link #connect}, the connection and the socket folder. */
  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(QmpClient::close);
    }
    delayed.shutdownNow();
    try {
      dropConnection();
      if (session != null) {
        session.join(STOP_BOUND.toMillis());
      }
      if (socketFolder != null) {
        Files.deleteIfExists(socketFolder.resolve("qmp.sock"));
        Files.deleteIfExists(socketFolder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fake QMP server could not clean up " + socketFolder, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the fake QMP server", e);
    }
  }

  private void serve() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      switch (greetingMode) {
        case DROP:
          socket.close();
          return;
        case SEND:
          sendLine(greeting());
          break;
        case SILENT:
          break;
      }
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        answer(line);
      }
    } catch (IOException | UncheckedIOException e) {
      // The connection is gone (dropped on purpose, or the client closed): the session ends.
    }
  }

  private void answer(String line) {
    JsonNode json;
    try {
      json = MAPPER.readTree(line);
    } catch (IOException e) {
      sendLine(errorLine(null, "GenericError", "JSON parse error, " + e.getMessage()));
      return;
    }
    JsonNode id = json.get("id");
    ObjectNode arguments =
        json.path("arguments").isObject()
            ? (ObjectNode) json.get("arguments")
            : MAPPER.createObjectNode();
    ReceivedCommand command =
        new ReceivedCommand(
            id == null ? null : id.asText(),
            json.path("execute").asText(""),
            arguments,
            receivedFds());
    record(command);
    if (!negotiated && !command.name().equals("qmp_capabilities")) {
      sendLine(
          errorLine(
              command.id(),
              "CommandNotFound",
              "Expecting capabilities negotiation with 'qmp_capabilities'"));
      return;
    }
    negotiated = true;
    CommandHandler handler = handlers.get(command.name());
    Reply reply =
        handler == null
            ? Reply.error(
                "CommandNotFound", "The command " + command.name() + " has not been found")
            : handler.handle(command);
    perform(new ArrayDeque<>(List.of(reply)), command);
  }

  /* The descriptors that arrived since the last line: the reader reads one command at a time. */
  private List<java.io.FileDescriptor> receivedFds() {
    try {
      java.io.FileDescriptor[] fds = socket.getReceivedFileDescriptors();
      return fds == null ? List.of() : List.of(fds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void record(ReceivedCommand command) {
    receivedLock.lock();
    try {
      received.add(command);
      commandArrived.signalAll();
    } finally {
      receivedLock.unlock();
    }
  }

  /** Runs the steps in order; a delay moves the rest to the scheduler so the session reads on. */
  private void perform(Deque<Reply> steps, ReceivedCommand command) {
    while (!steps.isEmpty()) {
      Reply step = steps.removeFirst();
      if (step instanceof Reply.Sequence sequence) {
        for (int i = sequence.steps().size() - 1; i >= 0; i--) {
          steps.addFirst(sequence.steps().get(i));
        }
      } else if (step instanceof Reply.Delayed delay) {
        steps.addFirst(delay.reply());
        delayed.schedule(
            () -> performIgnoringDrop(steps, command),
            delay.delay().toNanos(),
            TimeUnit.NANOSECONDS);
        return;
      } else if (step instanceof Reply.Ok ok) {
        sendLine(successLine(command.id(), ok.ret()));
      } else if (step instanceof Reply.Error error) {
        sendLine(errorLine(command.id(), error.errorClass(), error.description()));
      } else if (step instanceof Reply.Raw raw) {
        sendLine(raw.line());
      } else if (step instanceof Reply.Event event) {
        emitEvent(event.name(), event.data(), Instant.now());
      } else if (step instanceof Reply.Drop) {
        dropConnection();
      }
    }
  }

  private void performIgnoringDrop(Deque<Reply> steps, ReceivedCommand command) {
    try {
      perform(steps, command);
    } catch (UncheckedIOException e) {
      // The client went away before the delayed reply: nobody is left to receive it.
    }
  }

  private String greeting() {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode qmp = root.putObject("QMP");
    ObjectNode versionNode = qmp.putObject("version");
    ObjectNode qemu = versionNode.putObject("qemu");
    qemu.put("micro", version.micro());
    qemu.put("minor", version.minor());
    qemu.put("major", version.major());
    versionNode.put("package", version.pkg());
    capabilities.forEach(qmp.putArray("capabilities")::add);
    return root.toString();
  }

  private static String successLine(String id, JsonNode ret) {
    ObjectNode reply = MAPPER.createObjectNode();
    reply.set("return", ret);
    if (id != null) {
      reply.put("id", id);
    }
    return reply.toString();
  }

  private static String errorLine(String id, String errorClass, String description) {
    ObjectNode reply = MAPPER.createObjectNode();
    ObjectNode error = reply.putObject("error");
    error.put("class", errorClass);
    error.put("desc", description);
    if (id != null) {
      reply.put("id", id);
    }
    return reply.toString();
  }
}
