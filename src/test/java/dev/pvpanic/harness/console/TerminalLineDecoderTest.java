package dev.pvpanic.harness.console;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TerminalLineDecoderTest {

  /** Everything the decoder handles, in one stream. */
  private static final byte[] MIXED =
      bytes(
          "[    0.000000] Linux version 6.12.95+deb12-amd64\r\n",
          "\u001b[1;31mred\u001b[0m and \u001b[32mgreen\u001b[m\r\n",
          "progress 10%\rprogress 50%\rprogress 100%\r\n",
          "\u001b]0;title\u0007after osc\n",
          "\u001b]2;title\u001b\\after st\n",
          "\u001b7saved\u001b8 \u001b(Bcharset\u001b[?25l\u001b[2J\u001b[H\n",
          "caf\u00e9 \u20ac \ud83d\ude00\r\r\n",
          "bell\u0007 back\bspace\ttab\n",
          "~ # ");

  private static final List<String> MIXED_LINES =
      List.of(
          "[    0.000000] Linux version 6.12.95+deb12-amd64",
          "red and green",
          "progress 100%",
          "after osc",
          "after st",
          "saved charset",
          "caf\u00e9 \u20ac \ud83d\ude00",
          "bell backspace\ttab");

  @Test
  void wholeStreamGivesTheLinesAPersonWouldRead() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    assertEquals(MIXED_LINES, decoder.accept(MIXED, 0, MIXED.length));
    assertEquals("~ # ", decoder.partial());
  }

  @Test
  void splittingTheStreamAtAnyByteGivesTheSameLines() {
    for (int cut = 0; cut <= MIXED.length; cut++) {
      TerminalLineDecoder decoder = new TerminalLineDecoder();
      List<String> lines = new ArrayList<>(decoder.accept(MIXED, 0, cut));
      lines.addAll(decoder.accept(MIXED, cut, MIXED.length - cut));
      assertEquals(MIXED_LINES, lines, "split at byte " + cut);
      assertEquals("~ # ", decoder.partial(), "split at byte " + cut);
    }
  }

  @Test
  void oneByteAtATimeGivesTheSameLines() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < MIXED.length; i++) {
      lines.addAll(decoder.accept(MIXED, i, 1));
    }
    assertEquals(MIXED_LINES, lines);
    assertEquals("~ # ", decoder.partial());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          CR LF ends a line                | a\\r\\nb\\r\\n           | a;b
          CR CR LF ends a line             | a\\r\\r\\nb\\n          | a;b
          LF CR order                      | a\\n\\rb\\n             | a;b
          lone CR rewrites the line        | 50%\\r100%\\n           | 100%
          CR then erase-line then text     | old\\r\\e[Knew\\n        | new
          CR then escape only keeps text   | kept\\r\\e[K\\n          | kept
          empty lines are lines            | \\n\\n                  | ;
          CSI cursor position query        | a\\e[6nb\\n             | ab
          private mode CSI                 | \\e[?2004hx\\e[?2004l\\n | x
          broken CSI keeps the line end    | a\\e[12\\nb\\n           | a;b
          unterminated OSC ends at newline | a\\e]0;title\\nb\\n      | a;b
          ESC ESC                          | a\\e\\e[1mb\\n           | ab
          DEL dropped                      | a\\x7fb\\n              | ab
          C1 control dropped               | a\\xc2\\x9bb\\n          | ab
          malformed UTF-8 replaced         | a\\xffb\\n              | a\ufffdb
          truncated UTF-8 replaced         | a\\xe2\\x82b\\n          | a\ufffdb
          """)
  void decodes(String what, String escaped, String expected) {
    // expected: the lines, separated by ';'
    byte[] input = unescape(escaped.strip());
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    List<String> lines = decoder.accept(input, 0, input.length);
    assertEquals(List.of(expected.split(";", -1)), lines, what);
  }

  @Test
  void partialLeavesOutACharacterStillArriving() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    byte[] euro = "\u20ac".getBytes(UTF_8); // three bytes
    decoder.accept("price ".getBytes(UTF_8), 0, 6);
    decoder.accept(euro, 0, 2);
    assertEquals("price ", decoder.partial());
    decoder.accept(euro, 2, 1);
    assertEquals("price \u20ac", decoder.partial());
  }

  @Test
  void partialShowsTheTextBeforeAPendingCarriageReturn() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    byte[] input = bytes("~ # \r");
    decoder.accept(input, 0, input.length);
    assertEquals("~ # ", decoder.partial());
    byte[] rewrite = bytes("~ # ls");
    decoder.accept(rewrite, 0, rewrite.length);
    assertEquals("~ # ls", decoder.partial());
  }

  @Test
  void finishTurnsThePartialLineIntoTheLastLine() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    byte[] input = bytes("done\nKernel panic - not syncing");
    assertEquals(List.of("done"), decoder.accept(input, 0, input.length));
    assertEquals(Optional.of("Kernel panic - not syncing"), decoder.finish());
    assertEquals(Optional.empty(), decoder.finish());
    assertEquals("", decoder.partial());
  }

  @Test
  void aLineWithoutEndIsCutAtTheLimitOnACharacterBoundary() {
    TerminalLineDecoder decoder = new TerminalLineDecoder();
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes("x".repeat(TerminalLineDecoder.MAX_LINE_BYTES - 1).getBytes(UTF_8));
    input.writeBytes("\u20ac\u20ac\n".getBytes(UTF_8));
    byte[] all = input.toByteArray();
    List<String> lines = decoder.accept(all, 0, all.length);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).endsWith("x\u20ac"), "first part ends with a whole euro sign");
    assertEquals("\u20ac", lines.get(1));
  }

  private static byte[] bytes(String... parts) {
    return String.join("", parts).getBytes(UTF_8);
  }

  /** \r \n \e \xNN escapes to bytes; other characters as UTF-8. */
  private static byte[] unescape(String escaped) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c != '\\') {
        out.writeBytes(String.valueOf(c).getBytes(UTF_8));
        continue;
      }
      char kind = escaped.charAt(++i);
      switch (kind) {
        case 'r' -> out.write('\r');
        case 'n' -> out.write('\n');
        case 'e' -> out.write(0x1b);
        case 'x' -> {
          out.write(Integer.parseInt(escaped.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + kind);
      }
    }
    return out.toByteArray();
  }
}
