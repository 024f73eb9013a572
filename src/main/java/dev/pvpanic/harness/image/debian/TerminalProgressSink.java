package dev.pvpanic.harness.image.debian;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints download progress to a terminal, at most every {@code interval}: on an interactive
 * terminal one line rewritten in place a few times a second, in a log (CI) a plain line every few
 * seconds. The end of each download is always printed.
 */
public final class TerminalProgressSink implements ProgressSink {

  private final PrintStream out;
  private final boolean interactive;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long lastPrinted;
  private String lastName;

  public TerminalProgressSink(
      PrintStream out, boolean interactive, Duration interval, LongSupplier nanoTime) {
    this.out = out;
    this.interactive = interactive;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /** Progress on stderr: 4 updates a second on a console, one every 5 s when redirected. */
  public static TerminalProgressSink stderr() {
    boolean console = System.console() != null;
    return new TerminalProgressSink(
        System.err,
        console,
        console ? Duration.ofMillis(250) : Duration.ofSeconds(5),
        System::nanoTime);
  }

  @Override
  public synchronized void update(DownloadProgress progress) {
    long now = nanoTime.getAsLong();
    boolean newDownload = !progress.name().equals(lastName);
    if (!progress.done() && !newDownload && now - lastPrinted < intervalNanos) {
      return;
    }
    lastPrinted = now;
    lastName = progress.name();
    String line = format(progress);
    if (interactive) {
      out.print("\r" + line + "\u001b[K" + (progress.done() ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
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
