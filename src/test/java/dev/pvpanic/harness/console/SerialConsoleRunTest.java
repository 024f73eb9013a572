package dev.pvpanic.harness.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.console.FakeShell.Reply;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SerialConsole#run} against a fake shell that does or does not echo what is typed. */
class SerialConsoleRunTest {

  private static final Duration LONG = Duration.ofSeconds(10);
  private static final String PROMPT = "\u001b[1;32m~ #\u001b[0m ";

  private static final Map<String, Reply> REPLIES =
      Map.of(
          "cat /proc/sys/kernel/panic_on_oops",
          Reply.of(0, "1"),
          "ls /sys/bus/pci/drivers",
          Reply.of(0, "pvpanic-pci", "virtio-pci", "~ # not a prompt"),
          "kexec -p /boot/vmlinuz",
          Reply.of(1, "kexec_load failed: Cannot allocate memory"),
          "true",
          Reply.of(0),
          "printf done",
          new Reply(List.of("first"), "done", 0, Duration.ZERO),
          "slow",
          new Reply(List.of("slow output"), "", 9, Duration.ofMillis(600)),
          "echo c > /proc/sysrq-trigger &",
          Reply.of(0));

  @TempDir Path dir;
  private ConsoleSocketPair pair;
  private SerialConsole console;
  private FakeShell shell;

  @BeforeEach
  void open() throws IOException {
    pair = ConsoleSocketPair.open();
    console = pair.openConsole(dir.resolve("serial.log"));
  }

  @AfterEach
  void close() throws IOException {
    if (shell != null) {
      shell.close();
    }
    console.close();
    pair.close();
  }

  private void startShell(boolean echo) throws IOException {
    shell = new FakeShell(pair.guestInput(), pair.guestOutput(), echo, PROMPT, REPLIES);
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void outputAndExitStatusAreRightWithOrWithoutEcho(boolean echo) throws IOException {
    startShell(echo);
    console.expect(Pattern.compile("~ # $"), LONG);

    CommandResult panicOnOops = console.run("cat /proc/sys/kernel/panic_on_oops", LONG);
    CommandResult drivers = console.run("ls /sys/bus/pci/drivers", LONG);
    CommandResult kexec = console.run("kexec -p /boot/vmlinuz", LONG);
    CommandResult missing = console.run("no-such-tool --now", LONG);
    CommandResult silent = console.run("true", LONG);

    assertEquals(
        new CommandResult("cat /proc/sys/kernel/panic_on_oops", 0, List.of("1")), panicOnOops);
    assertEquals(List.of("pvpanic-pci", "virtio-pci", "~ # not a prompt"), drivers.output());
    assertEquals(0, drivers.exitStatus());
    assertEquals(1, kexec.exitStatus());
    assertEquals(List.of("kexec_load failed: Cannot allocate memory"), kexec.output());
    assertEquals(127, missing.exitStatus());
    assertEquals(List.of("sh: no-such-tool: not found"), missing.output());
    assertEquals(List.of(), silent.output());
    assertTrue(silent.succeeded());
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void worksWithoutWaitingForThePrompt(boolean echo) throws IOException {
    startShell(echo);

    // No expect for the prompt first: the first output may share its line with the prompt.
    assertEquals(List.of("1"), console.run("cat /proc/sys/kernel/panic_on_oops", LONG).output());
    assertEquals(List.of("1"), console.run("cat /proc/sys/kernel/panic_on_oops", LONG).output());
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void outputWithoutATrailingNewlineIsKept(boolean echo) throws IOException {
    startShell(echo);

    CommandResult result = console.run("printf done", LONG);

    assertEquals(List.of("first", "done"), result.output());
    assertEquals("first\ndone", result.outputText());
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void aCommandEndingWithASeparatorStillReportsItsStatus(boolean echo) throws IOException {
    startShell(echo);

    assertEquals(0, console.run("echo c > /proc/sysrq-trigger &", LONG).exitStatus());
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void theLateSentinelOfATimedOutCommandIsNeverTakenForTheNextOne(boolean echo) throws IOException {
    startShell(echo);

    ConsoleTimeoutException timeout =
        assertThrows(
            ConsoleTimeoutException.class, () -> console.run("slow", Duration.ofMillis(200)));
    assertTrue(
        timeout.getMessage().contains("exit status of command `slow`"), timeout.getMessage());

    CommandResult next = console.run("cat /proc/sys/kernel/panic_on_oops", LONG);

    assertEquals(0, next.exitStatus());
    assertEquals(List.of("1"), next.output());
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void theCursorEndsPastTheExitStatus(boolean echo) throws IOException {
    startShell(echo);

    console.run("true", LONG);
    int exitLine = console.cursor() - 1;

    assertTrue(console.lines().get(exitLine).matches("PVH-RC-\\S+ 0"), console.lines().toString());
    console.expect(Pattern.compile("~ # $"), LONG);
  }

  @ParameterizedTest(name = "echo={0}")
  @ValueSource(booleans = {true, false})
  void theStreamEndingDuringACommandFailsAtOnce(boolean echo) throws IOException {
    startShell(echo);
    ConsoleSocketPair.later(
        Duration.ofMillis(100),
        () -> {
          try {
            pair.hangUp();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });

    long started = System.nanoTime();
    assertThrows(ConsoleClosedException.class, () -> console.run("slow", Duration.ofSeconds(60)));

    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
  }
}
