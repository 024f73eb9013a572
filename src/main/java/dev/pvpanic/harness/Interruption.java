package dev.pvpanic.harness;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Ctrl-C (SIGINT) on the command line: the first says so on the terminal, stops what is in flight
 * (the actions registered with {@link #onInterrupt}: QEMU machines close) and lets the command
 * finish its records and report, the cells in flight recorded as interrupted rather than as
 * infrastructure errors to retry; a second one, or a command still busy after {@link #GRACE}, exits
 * at once (the shutdown hooks still end every QEMU). Outside the command line (tests, the JUnit
 * matrix) nothing is installed and {@link #requested()} stays false.
 */
public final class Interruption {
  /** How long the command may take to write its records after the first Ctrl-C. */
  public static final Duration GRACE = Duration.ofSeconds(20);

  /** The exit status of a command ended by SIGINT (128 + 2), as shells report it. */
  public static final int EXIT = 130;

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final List<Runnable> ACTIONS = new ArrayList<>();

  private Interruption() {}

  /** Whether the run was interrupted. */
  public static boolean requested() {
    return COUNT.get() > 0;
  }

  /** Runs {@code action} on the first Ctrl-C (e.g. closing the QEMU machines still up). */
  public static synchronized void onInterrupt(Runnable action) {
    ACTIONS.add(action);
  }

  /** Handles SIGINT for the command line, saying what happens on {@code terminal}. */
  @SuppressWarnings("restriction")
  public static void install(PrintStream terminal) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> interrupted(terminal));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // no SIGINT to catch here (e.g. the JVM was started with -Xrs): the JVM's default exits
    }
  }

  private static void interrupted(PrintStream terminal) {
    if (COUNT.incrementAndGet() > 1) {
      terminal.println("pvpanic: interrupted again: exiting now");
      System.exit(EXIT);
    }
    terminal.println(
        "pvpanic: interrupted (Ctrl-C): stopping the cells in flight (recorded as INTERRUPTED)"
            + " and writing what finished; Ctrl-C again to exit at once");
    List<Runnable> actions;
    synchronized (Interruption.class) {
      actions = List.copyOf(ACTIONS);
    }
    Thread stopper =
        new Thread(
            () -> {
              actions.forEach(Runnable::run);
              try {
                Thread.sleep(GRACE.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              terminal.println(
                  "pvpanic: still busy " + DurationText.of(GRACE) + " after Ctrl-C: exiting now");
              System.exit(EXIT);
            },
            "interruption");
    stopper.setDaemon(true);
    stopper.start();
  }
}
