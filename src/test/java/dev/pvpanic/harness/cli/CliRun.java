package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.junit.TestSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One execution of the command line with captured output: its exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {

  /** A run with the checkout's default settings, none of this machine's (unit tests). */
  static CliRun of(String... args) {
    return with(TestSettings.checkout(), args);
  }

  /** A run with {@code settings} (the flags still take precedence). */
  static CliRun with(Settings settings, String... args) {
    return withInput(settings, new ByteArrayInputStream(new byte[0]), args);
  }

  static CliRun withInput(Settings settings, InputStream in, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal t =
        new Terminal(
            in,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = Main.commandLine(t, settings).execute(args);
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
  }
}
