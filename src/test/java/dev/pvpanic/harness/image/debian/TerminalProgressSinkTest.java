package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressSinkTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final AtomicLong now = new AtomicLong();

  /** A sink writing log lines to {@link #out}, on the clock {@link #now}. */
  private TerminalProgressSink logLines(Duration interval) {
    return new TerminalProgressSink(
        new PrintStream(out, true, StandardCharsets.UTF_8), false, interval, now::get);
  }

  @Test
  void printsAtMostOncePerIntervalAndAlwaysTheEnd() {
    TerminalProgressSink sink = logLines(Duration.ofMillis(250));
    OptionalLong total = OptionalLong.of(4 * 1024 * 1024);

    sink.update(new DownloadProgress("linux.deb", 1024, total, 2048, false)); // first: printed
    now.addAndGet(Duration.ofMillis(100).toNanos());
    sink.update(new DownloadProgress("linux.deb", 2048, total, 2048, false)); // too soon
    now.addAndGet(Duration.ofMillis(200).toNanos());
    sink.update(new DownloadProgress("linux.deb", 3 * 1024 * 1024, total, 3 * 1024 * 1024, false));
    now.addAndGet(Duration.ofMillis(1).toNanos());
    sink.update(new DownloadProgress("linux.deb", 4 * 1024 * 1024, total, 4 * 1024 * 1024, true));

    assertEquals(
        """
        fetching linux.deb  1.0 KiB / 4.0 MiB  2.0 KiB/s
        fetching linux.deb  3.0 MiB / 4.0 MiB  3.0 MiB/s
        fetched linux.deb  4.0 MiB / 4.0 MiB  4.0 MiB/s
        """,
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void downloadsThatTakeTurnsEachKeepTheirOwnInterval() {
    TerminalProgressSink sink = logLines(Duration.ofSeconds(5));
    OptionalLong total = OptionalLong.of(2048);
    for (int i = 1; i <= 20; i++) { // two downloads updating in turn, 100 ms apart
      sink.update(new DownloadProgress(i % 2 == 0 ? "a.deb" : "b.deb", i, total, i, false));
      now.addAndGet(Duration.ofMillis(100).toNanos());
    }
    sink.update(new DownloadProgress("a.deb", 2048, total, 2048, true));

    assertEquals(
        """
        fetching b.deb  1 B / 2.0 KiB  1 B/s
        fetching a.deb  2 B / 2.0 KiB  2 B/s
        fetched a.deb  2.0 KiB / 2.0 KiB  2.0 KiB/s
        """,
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void rewritesOneLineOnAnInteractiveTerminal() {
    TerminalProgressSink sink =
        new TerminalProgressSink(
            new PrintStream(out, true, StandardCharsets.UTF_8), true, Duration.ZERO, () -> 0);

    sink.update(new DownloadProgress("InRelease", 10, OptionalLong.empty(), 10, false));
    sink.update(new DownloadProgress("InRelease", 20, OptionalLong.empty(), 20, true));

    assertEquals(
        "\rfetching InRelease  10 B  10 B/s\u001b[K\rfetched InRelease  20 B  20 B/s\u001b[K\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
