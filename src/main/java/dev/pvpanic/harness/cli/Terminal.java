package dev.pvpanic.harness.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * What the command line talks to: stdin (a kept VM lives until it ends), stdout (progress, the
 * console, verdicts, tables) and stderr (errors). Tests pass their own streams.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err) {

  public static Terminal system() {
    return new Terminal(System.in, System.out, System.err);
  }
}
