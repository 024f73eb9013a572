package dev.pvpanic.harness.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real TAP parser, Perl's core TAP::Parser, run over a stream: what it counted. KTAP's version
 * line is an unknown line to it (allowed); a malformed plan or test line is a parse error.
 */
public record TapParser(int planned, int run, int passed, int failed, int skipped, String errors) {

  private static final String SCRIPT =
      "use TAP::Parser; my $p = TAP::Parser->new({source => $ARGV[0]});"
          + " while (defined(my $r = $p->next)) {}"
          + " printf \"%d %d %d %d %d\\n\", $p->tests_planned // -1, $p->tests_run,"
          + " scalar($p->passed), scalar($p->failed), scalar($p->skipped);"
          + " print join(\"\\n\", $p->parse_errors), \"\\n\";";

  public static TapParser parse(String stream) throws IOException, InterruptedException {
    Path file = Files.createTempFile("pvh-ktap-", ".tap");
    try {
      Files.writeString(file, stream, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder("perl", "-e", SCRIPT, file.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("perl's TAP::Parser failed: " + out);
      }
      String[] lines = out.split("\n", 2);
      String[] n = lines[0].trim().split(" ");
      return new TapParser(
          Integer.parseInt(n[0]),
          Integer.parseInt(n[1]),
          Integer.parseInt(n[2]),
          Integer.parseInt(n[3]),
          Integer.parseInt(n[4]),
          lines.length > 1 ? lines[1].strip() : "");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
