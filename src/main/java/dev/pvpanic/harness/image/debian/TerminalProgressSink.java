package dev.pvpanic.harness.image.debian;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows download progress at most every {@code interval} per download: on an interactive terminal
 * one line rewritten in place a few times a second, in a log a plain line every few seconds. The
 * end of each download is always shown. Downloads that run at once (two images fetching their
 * kernels) each keep their own interval, so taking turns does not print every update.
 */
public final class TerminalProgressSink implements ProgressSink {

  private static final Logger LOG = LoggerFactory.getLogger(TerminalProgressSink.class);

  private final PrintStream out;
  private final Consumer<String> lines;
  private final boolean interactive;
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  /** When each unfinished download was last shown. */
  private final java.util.Map<String, Long> lastPrinted = new java.util.HashMap<>();

  public TerminalProgressSink(
      PrintStream out, boolean interactive, Duration interval, LongSupplier nanoTime) {
    this(out, out::println, interactive, interval, nanoTime);
  }

  private TerminalProgressSink(
      PrintStream out,
      Consumer<String> lines,
      boolean interactive,
      Duration interval,
      LongSupplier nanoTime) {
    this.out = out;
    this.lines = lines;
    this.interactive = interactive;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Progress as log lines (SLF4J, info): one every 5 s per download, and its end. */
  public static TerminalProgressSink logged() {
    return new TerminalProgressSink(
        null, LOG::info, false, Duration.ofSeconds(5), System::nanoTime);
  }

  @Override
  public synchronized void update(DownloadProgress progress) {
    long now = nanoTime.getAsLong();
    Long last = lastPrinted.get(progress.name());
    if (!progress.done() && last != null && now - last < intervalNanos) {
      return;
    }
    if (progress.done()) {
      lastPrinted.remove(progress.name());
    } else {
      lastPrinted.put(progress.name(), now);
    }
    String line = format(progress);
    if (interactive) {
      out.print("\r" + line + "\u001b[K" + (progress.done() ? "\n" : ""));
      out.flush();
    } else {
      lines.accept(line);
    }
  }

  static String format(DownloadProgress p) {
    String amount =
        p.total().isPresent()
            ? size(p.bytes()) + " / " + size(p.total().getAsLong())
            : size(p.bytes());
    return String.format(
        Locale.ROOT,
        "%s %s  %s  %s/s",
        p.done() ? "fetched" : "fetching",
        p.name(),
        amount,
        size((long) p.bytesPerSecond()));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
