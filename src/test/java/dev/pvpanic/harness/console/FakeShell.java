package dev.pvpanic.harness.console;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny stand-in for busybox sh on a tty: prints a prompt without a newline, reads lines, echoes
 * them if told to (as a tty with ECHO does), and answers the marked command line that {@link
 * SerialConsole#run} types with the markers, scripted output and a scripted exit status.
 */
final class FakeShell implements AutoCloseable {

  /** What the shell prints for one command. */
  record Reply(List<String> lines, String unterminated, int status, Duration delay) {
    static Reply of(int status, String... lines) {
      return new Reply(List.of(lines), "", status, Duration.ZERO);
    }
  }

  private static final Pattern MARKED =
      Pattern.compile("^echo PVH\"\"-ST-(\\S+); (.*?)(?:; | )echo PVH\"\"-RC-\\1 \\$\\?$");

  private final BufferedReader input;
  private final OutputStream output;
  private final boolean echo;
  private final String prompt;
  private final Map<String, Reply> replies;
  private final Thread thread;

  FakeShell(
      InputStream fromConsole,
      OutputStream toConsole,
      boolean echo,
      String prompt,
      Map<String, Reply> replies) {
    this.input = new BufferedReader(new InputStreamReader(fromConsole, UTF_8));
    this.output = toConsole;
    this.echo = echo;
    this.prompt = prompt;
    this.replies = replies;
    this.thread = new Thread(this::serve, "fake-shell");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void serve() {
    try {
      print(prompt);
      String line;
      while ((line = input.readLine()) != null) {
        if (echo) {
          print(line + "\r\n");
        }
        Matcher marked = MARKED.matcher(line);
        if (!marked.matches()) {
          print("sh: syntax error: " + line + "\r\n" + prompt);
          continue;
        }
        String nonce = marked.group(1);
        String command = marked.group(2);
        Reply reply =
            replies.getOrDefault(
                command, Reply.of(127, "sh: " + command.split(" ")[0] + ": not found"));
        print("PVH-ST-" + nonce + "\r\n");
        Thread.sleep(reply.delay().toMillis());
        StringBuilder printed = new StringBuilder();
        reply.lines().forEach(l -> printed.append(l).append("\r\n"));
        printed.append(reply.unterminated());
        printed.append("PVH-RC-").append(nonce).append(' ').append(reply.status()).append("\r\n");
        print(printed.toString());
        print(prompt);
      }
    } catch (IOException e) {
      // the console went away: the shell's session is over
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void print(String text) throws IOException {
    output.write(text.getBytes(UTF_8));
    output.flush();
  }

  /** Stops a scripted delay; the shell itself ends when its socket closes. */
  @Override
  public void close() {
    thread.interrupt();
  }
}
