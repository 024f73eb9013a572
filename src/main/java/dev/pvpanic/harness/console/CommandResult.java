package dev.pvpanic.harness.console;

import java.util.List;

/**
 * A command typed on the console: its exit status and the lines it printed (without the echo of the
 * typed line and without the markers around the output).
 */
public record CommandResult(String command, int exitStatus, List<String> output) {

  public CommandResult {
    output = List.copyOf(output);
  }

  public boolean succeeded() {
    return exitStatus == 0;
  }

  /** For a message: {@code 'command' exited N: line / line}. */
  public String describe() {
    return "'"
        + command
        + "' exited "
        + exitStatus
        + (output.isEmpty() ? "" : ": " + String.join(" / ", output));
  }

  /** The output joined with newlines, for messages and simple parsing. */
  public String outputText() {
    return String.join("\n", output);
  }
}
