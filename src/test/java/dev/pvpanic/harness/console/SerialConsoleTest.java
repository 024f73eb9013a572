package dev.pvpanic.harness.console;

import static dev.pvpanic.harness.console.ConsoleSocketPair.later;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerialConsoleTest {

  private static final Duration SHORT = Duration.ofMillis(200);
  private static final Duration LONG = Duration.ofSeconds(10);
  private static final Pattern PROMPT = Pattern.compile("~ # $");
  private static final Pattern NEVER = Pattern.compile("this never appears");
  private static final String READY =
      "PVH READY kernel=6.12.95+deb12-amd64 arch=x86_64 kexec_crash_loaded=0 post_notifiers=N"
          + " pvpanic=pvpanic-pci capability=7 events=7";

  @TempDir Path dir;
  private ConsoleSocketPair pair;
  private SerialConsole console;

  @BeforeEach
  void open() throws IOException {
    pair = ConsoleSocketPair.open();
    console = pair.openConsole(dir.resolve("serial.log"));
  }

  @AfterEach
  void close() throws IOException {
    console.close();
    pair.close();
  }

  @Test
  void aLineWrittenOneBytePerWriteIsOneLine() {
    byte[] line = (READY + "\r\n").getBytes(UTF_8);
    later(
        Duration.ZERO,
        () -> {
          for (byte b : line) {
            pair.print(new byte[] {b});
          }
        });

    ConsoleMatch ready =
        console.expect(
            Pattern.compile("^PVH READY kernel=(?<kernel>\\S+) arch=(\\S+) .*events=(\\d+)$"),
            LONG);

    assertEquals(0, ready.lineIndex());
    assertEquals(READY, ready.line());
    assertEquals("6.12.95+deb12-amd64", ready.group("kernel"));
    assertEquals("x86_64", ready.group(2));
    assertEquals("7", ready.group(3));
    assertEquals(List.of(READY), console.lines());
  }

  @Test
  void colouredKernelLinesAreMatchedWithoutTheirEscapes() {
    pair.print(
        "\u001b[0;33m[   12.3] Kernel panic - not syncing: sysrq triggered crash\u001b[0m\r\n");

    ConsoleMatch panic =
        console.expect(Pattern.compile("^\\[ *[\\d.]+\\] Kernel panic - (.*)$"), LONG);

    assertEquals("not syncing: sysrq triggered crash", panic.group(1));
  }

  @Test
  void aPromptWithoutNewlineIsMatched() {
    pair.print("Welcome\r\n\u001b[1;32m~ #\u001b[0m ");

    ConsoleMatch prompt = console.expect(PROMPT, LONG);

    assertEquals(1, prompt.lineIndex());
    assertEquals("~ # ", prompt.line());
    assertEquals(1, console.cursor());
    assertEquals(List.of("Welcome"), console.lines(), "the prompt is still the partial line");
  }

  @Test
  void aMatchedPromptIsNotMatchedAgainOnceItsLineCompletes() {
    pair.print("~ # ");
    assertEquals(0, console.expect(Pattern.compile("~ # "), LONG).lineIndex());

    pair.print("ls\r\nbin  etc\r\n~ # ");
    ConsoleMatch second = console.expect(Pattern.compile("~ # "), LONG);

    assertEquals(2, second.lineIndex());
    assertEquals(List.of("~ # ls", "bin  etc"), console.lines());
  }

  @Test
  void textAddedAfterAPartialMatchCanStillBeMatched() {
    pair.print("~ # ");
    console.expect(PROMPT, LONG);

    pair.print("echo hi\r\n");
    ConsoleMatch typed = console.expect(Pattern.compile("echo (\\w+)"), LONG);

    assertEquals(0, typed.lineIndex());
    assertEquals("~ # echo hi", typed.line());
    assertEquals(1, console.cursor());
  }

  @Test
  void successiveExpectsForOnePatternMatchSuccessiveLines() {
    pair.print("tick 1\r\nnoise\r\ntick 2\r\n");
    Pattern tick = Pattern.compile("tick (\\d)");

    ConsoleMatch first = console.expect(tick, LONG);
    ConsoleMatch second = console.expect(tick, LONG);

    assertEquals(List.of(0, "1"), List.of(first.lineIndex(), first.group(1)));
    assertEquals(List.of(2, "2"), List.of(second.lineIndex(), second.group(1)));
    assertEquals(3, console.cursor());
    assertThrows(ConsoleTimeoutException.class, () -> console.expect(tick, SHORT));
  }

  @Test
  void aLineArrivingLaterWakesTheWaitingExpect() {
    later(Duration.ofMillis(100), () -> pair.print("late line\n"));

    ConsoleMatch late = console.expect(Pattern.compile("late"), LONG);

    assertEquals("late line", late.line());
  }

  @Test
  void aFailureBeforeTheSuccessFailsTheExpect() {
    pair.print(
        "[   12.3] Kernel panic - not syncing: Attempted to kill init!\r\n" + READY + "\r\n");

    ConsoleFailureException failure =
        assertThrows(
            ConsoleFailureException.class,
            () ->
                console.expect(
                    "the guest to be ready",
                    Pattern.compile("^PVH READY"),
                    Pattern.compile("Kernel panic - not syncing"),
                    LONG));

    assertEquals(0, failure.match().lineIndex());
    assertTrue(failure.getMessage().contains("/Kernel panic - not syncing/"), failure.getMessage());
    assertTrue(failure.getMessage().contains("Attempted to kill init!"), failure.getMessage());
    assertTrue(failure.getMessage().contains("the guest to be ready"), failure.getMessage());
    assertEquals(2, failure.tail().size());
    assertEquals(1, console.cursor(), "the failure line is consumed");
  }

  @Test
  void aSuccessBeforeTheFailureIsReturned() {
    pair.print(READY + "\r\n[   99.0] Kernel panic - not syncing: later\r\n");

    ConsoleMatch ready =
        console.expect(Pattern.compile("^PVH READY"), Pattern.compile("Kernel panic"), LONG);

    assertEquals(0, ready.lineIndex());
  }

  @Test
  void aFailureOnThePartialLineFailsTheExpect() {
    pair.print("login: ");

    assertThrows(
        ConsoleFailureException.class,
        () -> console.expect(PROMPT, Pattern.compile("^login: "), LONG));
  }

  @Test
  void aTimeoutSaysWhatItWaitedForAndQuotesTheLast40Lines() {
    StringBuilder output = new StringBuilder();
    IntStream.range(0, 50).forEach(i -> output.append(String.format("line-%03d\r\n", i)));
    pair.print(output.append("~ # ").toString());
    await().atMost(LONG).until(() -> console.lines().size() == 50);

    ConsoleTimeoutException timeout =
        assertThrows(
            ConsoleTimeoutException.class,
            () -> console.expect("the guest's ready line", NEVER, null, Duration.ofMillis(250)));

    String message = timeout.getMessage();
    assertTrue(message.contains("the guest's ready line (/this never appears/)"), message);
    assertTrue(message.contains("250 ms"), message);
    assertTrue(message.contains("test-guest"), message);
    List<String> expectedTail = new ArrayList<>();
    IntStream.range(11, 50).forEach(i -> expectedTail.add(String.format("line-%03d", i)));
    expectedTail.add("~ # ");
    assertEquals(expectedTail, timeout.tail());
    expectedTail.forEach(line -> assertTrue(message.contains("| " + line), line));
    assertFalse(message.contains("line-010"), "only the last 40 lines: " + message);
    assertEquals(Duration.ofMillis(250), timeout.timeout());
  }

  @Test
  void theStreamEndingWhileWaitingFailsAtOnce() {
    pair.print("last words before QEMU died\r\n");
    later(
        Duration.ofMillis(100),
        () -> {
          try {
            pair.hangUp();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });

    long started = System.nanoTime();
    ConsoleClosedException closed =
        assertThrows(
            ConsoleClosedException.class, () -> console.expect(NEVER, Duration.ofSeconds(60)));
    Duration waited = Duration.ofNanos(System.nanoTime() - started);

    assertTrue(waited.compareTo(Duration.ofSeconds(5)) < 0, "waited " + waited);
    assertTrue(closed.getMessage().contains("stream ended"), closed.getMessage());
    assertEquals(List.of("last words before QEMU died"), closed.tail());
    assertFalse(console.isOpen());
  }

  @Test
  void linesBeforeTheStreamEndedCanStillBeMatched() throws IOException {
    pair.print("PVH VMCORE size=12345\r\nreboot: Restarting system");
    pair.hangUp();
    await().atMost(LONG).until(() -> !console.isOpen());

    assertEquals("12345", console.expect(Pattern.compile("size=(\\d+)"), LONG).group(1));
    assertEquals(
        "reboot: Restarting system",
        console.expect(Pattern.compile("Restarting"), LONG).line(),
        "the unterminated last line became a line");
    assertThrows(ConsoleClosedException.class, () -> console.expect(NEVER, LONG));
  }

  @Test
  void closingTheConsoleFailsAWaitingExpectAtOnce() {
    later(Duration.ofMillis(100), console::close);

    long started = System.nanoTime();
    ConsoleClosedException closed =
        assertThrows(
            ConsoleClosedException.class, () -> console.expect(NEVER, Duration.ofSeconds(60)));

    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    assertTrue(closed.getMessage().contains("the harness closed it"), closed.getMessage());
  }

  @Test
  void closeIsIdempotentAndEndsTheReader() {
    console.close();
    console.close();

    assertFalse(console.isOpen());
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().equals("console-test-guest") && t.isAlive()),
        "reader thread ended");
    assertThrows(ConsoleClosedException.class, () -> console.send("echo hi"));
  }

  @Test
  void anInterruptedExpectThrowsAndKeepsTheInterrupt() {
    Thread.currentThread().interrupt();
    try {
      ConsoleException interrupted =
          assertThrows(ConsoleException.class, () -> console.expect(NEVER, LONG));
      assertInstanceOf(InterruptedException.class, interrupted.getCause());
    } finally {
      assertTrue(Thread.interrupted(), "interrupt flag still set (and now cleared)");
    }
  }

  @Test
  void sendTypesTheTextAndANewline() throws IOException {
    BufferedReader guestReads = new BufferedReader(new InputStreamReader(pair.guestInput(), UTF_8));

    console.send("echo c > /proc/sysrq-trigger");
    console.sendRaw(new byte[] {'x', 0x03, '\n'});

    assertEquals("echo c > /proc/sysrq-trigger", guestReads.readLine());
    assertEquals("x\u0003", guestReads.readLine());
  }

  @Test
  void moveCursorToEndSkipsWhatWasAlreadyReceived() {
    pair.print("old PVH line\r\nold partial PVH");
    await().atMost(LONG).until(() -> console.tail(1).equals(List.of("old partial PVH")));

    console.moveCursorToEnd();
    pair.print(" more\r\nnew PVH line\r\n");

    ConsoleMatch found = console.expect(Pattern.compile("PVH"), LONG);
    assertEquals("new PVH line", found.line());
    assertEquals(2, found.lineIndex());
  }

  @Test
  void tailIncludesThePartialLine() {
    pair.print("a\r\nb\r\nc\r\n~ # ");
    await().atMost(LONG).until(() -> console.tail(10).size() == 4);

    assertEquals(List.of("c", "~ # "), console.tail(2));
    assertEquals(List.of("a", "b", "c", "~ # "), console.tail(10));
    assertEquals(List.of(), console.tail(0));
    assertThrows(IllegalArgumentException.class, () -> console.tail(-1));
  }

  @Test
  void listenersGetEveryCompletedLineOnceAndInOrder() {
    pair.print("one\r\ntwo\r\n");
    await().atMost(LONG).until(() -> console.lines().size() == 2);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());

    console.addLineListener(heard::add);
    console.addLineListener(
        line -> {
          throw new IllegalStateException("a broken listener must not stop the console");
        });
    pair.print("three\r\nfou");
    pair.print("r\r\n~ # ");
    console.expect(PROMPT, LONG);

    await().atMost(LONG).until(() -> heard.size() == 4);
    assertEquals(List.of("one", "two", "three", "four"), heard);
  }

  @Test
  void theTranscriptHoldsTheRawBytesExactly() throws IOException {
    Random random = new Random(42);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (int chunk = 0; chunk < 200; chunk++) {
      byte[] bytes = new byte[random.nextInt(300)];
      random.nextBytes(bytes);
      sent.writeBytes(bytes);
      sent.writeBytes("\u001b[1m\r\nKernel panic\r".getBytes(UTF_8));
    }
    byte[] all = sent.toByteArray();
    for (int offset = 0; offset < all.length; offset += 977) {
      pair.print(java.util.Arrays.copyOfRange(all, offset, Math.min(all.length, offset + 977)));
    }
    pair.hangUp();
    await().atMost(LONG).until(() -> !console.isOpen());

    assertArrayEquals(all, Files.readAllBytes(console.transcript()));
  }

  @Test
  void optionsRejectWhatCannotWork() {
    Path transcript = dir.resolve("t.log");
    assertThrows(
        IllegalArgumentException.class,
        () -> new SerialConsole.Options(transcript, " ", Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SerialConsole.Options(transcript, "x", Duration.ZERO));
    assertThrows(
        NullPointerException.class,
        () -> new SerialConsole.Options(null, "x", Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class, () -> console.expect(NEVER, Duration.ofSeconds(-1)));
  }

  @Test
  void awaitQuietReturnsOnceTheGuestStopsPrinting() throws Exception {
    Thread talker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 5; i++) {
                  pair.print("[    2.9" + i + "] late boot message\n");
                  Thread.sleep(100);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    long start = System.nanoTime();
    talker.start();
    assertTrue(console.awaitQuiet(Duration.ofMillis(300), Duration.ofSeconds(10)));
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMs >= 500, "returned while the guest still printed: " + waitedMs + " ms");
    talker.join();
    pair.print("again\n");
    console.expect(Pattern.compile("again"), Duration.ofSeconds(5));
    assertFalse(
        console.awaitQuiet(Duration.ofSeconds(5), Duration.ofMillis(200)),
        "max runs out before a 5 s quiet period");
  }
}
