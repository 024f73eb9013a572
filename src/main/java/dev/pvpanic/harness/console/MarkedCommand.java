package dev.pvpanic.harness.console;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A shell command wrapped in two markers so its output and exit status can be read back from a
 * console whose echo may or may not be on:
 *
 * <pre>echo PVH""-ST-&lt;nonce&gt;; &lt;command&gt;; echo PVH""-RC-&lt;nonce&gt; $?</pre>
 *
 * <p>The shell prints {@code PVH-ST-<nonce>} before the output and {@code PVH-RC-<nonce> <status>}
 * after it. The typed text (and so its echo) contains {@code PVH""-ST}, which the marker patterns
 * cannot match, so the echo is never mistaken for output. Everything before the start marker (the
 * prompt, the echo, however the terminal wrapped it) is not output. The nonce makes a marker from
 * an earlier, abandoned command unable to match.
 */
record MarkedCommand(String command, String nonce) {

  private static final String START = "PVH-ST-";
  private static final String EXIT = "PVH-RC-";

  /** Endings that would join the exit-status echo to the command, or continue the line. */
  private static final List<String> DANGLING = List.of("&&", "||", "|", "\\");

  MarkedCommand {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(nonce, "nonce");
    if (command.isBlank()) {
      throw new IllegalArgumentException("command must not be blank");
    }
    if (command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "command must be one line (it is typed and its exit status read back once), got: "
              + command.replace("\r", "\\r").replace("\n", "\\n"));
    }
    String body = command.strip();
    for (String ending : DANGLING) {
      if (body.endsWith(ending)) {
        throw new IllegalArgumentException(
            "command must be complete, it ends with '" + ending + "': " + command);
      }
    }
    if (!nonce.matches("[0-9A-Za-z-]+")) {
      throw new IllegalArgumentException("nonce must be letters, digits and '-', got: " + nonce);
    }
  }

  /** The line to type. */
  String typedLine() {
    String body = command.strip();
    // "cmd &; echo" and "cmd;; echo" are syntax errors: a command that already ends with a
    // separator gets none.
    String separator = body.endsWith(";") || body.endsWith("&") ? " " : "; ";
    return "echo "
        + typed(START)
        + nonce
        + "; "
        + body
        + separator
        + "echo "
        + typed(EXIT)
        + nonce
        + " $?";
  }

  /**
   * The line the shell prints before the command's output (maybe after a prompt). Matched on
   * completed lines, and not anchored at the line's end: the kernel may print a message right after
   * it on the same console line (seen: "PVH-ST-4c98-1[ 2.97] clocksource: Switched to clocksource
   * tsc"). The lookahead keeps nonce "…-1" from matching "…-12".
   */
  Pattern startMarker() {
    return Pattern.compile(Pattern.quote(START + nonce) + "(?![0-9A-Za-z-])");
  }

  /**
   * The line the shell prints after the output; group 1 is the exit status. Text before it on the
   * same line is output that did not end with a newline; text after it (a kernel message landing on
   * the same line) is not the command's.
   */
  Pattern exitMarker() {
    return Pattern.compile(Pattern.quote(EXIT + nonce) + " (\\d{1,3})(?!\\d)");
  }

  /** {@code PVH-RC-} as typed: {@code PVH""-RC-}, which the shell prints as {@code PVH-RC-}. */
  private static String typed(String marker) {
    return marker.replace("PVH-", "PVH\"\"-");
  }
}
