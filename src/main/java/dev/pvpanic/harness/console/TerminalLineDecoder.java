package dev.pvpanic.harness.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns the bytes a guest writes to its terminal into the text lines a person would read: lines end
 * at LF; a CR followed by more text means the terminal rewrote the line, so only the text after the
 * last CR is kept (CR LF and CR CR LF just end the line); ANSI/VT100 escape sequences and control
 * characters other than tab are dropped; UTF-8 is decoded leniently (malformed bytes become
 * U+FFFD).
 *
 * <p>It is a byte-level state machine, so a line, an escape sequence or a multi-byte character may
 * be split across any number of {@link #accept} calls. Not thread-safe: the console feeds it under
 * its lock.
 */
final class TerminalLineDecoder {

  /**
   * A guest that writes without ever ending a line must not grow one line without bound: past this
   * many bytes the line is ended at the next character boundary.
   */
  static final int MAX_LINE_BYTES = 64 * 1024;

  private static final int ESC = 0x1B;
  private static final int BEL = 0x07;
  private static final int DEL = 0x7F;

  private enum State {
    TEXT,
    /** After ESC. */
    ESCAPE,
    /** ESC followed by intermediate bytes, e.g. {@code ESC ( B}. */
    ESCAPE_INTERMEDIATE,
    /** {@code ESC [} parameters and intermediates, up to a final byte. */
    CSI,
    /** OSC, DCS, SOS, PM or APC: up to BEL or ST ({@code ESC \}). */
    CONTROL_STRING,
    /** ESC inside a control string: ST if a backslash follows. */
    CONTROL_STRING_ESCAPE
  }

  private State state = State.TEXT;
  private byte[] line = new byte[256];
  private int length;
  private boolean carriageReturn;

  /** Feeds {@code count} bytes and returns the lines they completed, oldest first. */
  List<String> accept(byte[] bytes, int offset, int count) {
    List<String> completed = new ArrayList<>();
    for (int i = offset; i < offset + count; i++) {
      consume(bytes[i] & 0xFF, completed);
    }
    return completed;
  }

  /** The text of the line not yet ended, without a multi-byte character still arriving. */
  String partial() {
    return decode(completeCharactersLength());
  }

  /** At end of stream: the line not yet ended, if it has any text; the decoder is then empty. */
  Optional<String> finish() {
    state = State.TEXT;
    carriageReturn = false;
    if (length == 0) {
      return Optional.empty();
    }
    String last = decode(length);
    length = 0;
    return Optional.of(last);
  }

  private void consume(int b, List<String> completed) {
    switch (state) {
      case TEXT -> text(b, completed);
      case ESCAPE -> escape(b, completed);
      case ESCAPE_INTERMEDIATE -> escapeIntermediate(b, completed);
      case CSI -> csi(b, completed);
      case CONTROL_STRING -> controlString(b, completed);
      case CONTROL_STRING_ESCAPE -> controlStringEscape(b, completed);
    }
  }

  private void escape(int b, List<String> completed) {
    if (b == '[') {
      state = State.CSI;
    } else if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_') {
      state = State.CONTROL_STRING;
    } else if (b >= 0x20 && b <= 0x2F) {
      state = State.ESCAPE_INTERMEDIATE;
    } else if (b == ESC) {
      state = State.ESCAPE;
    } else if (b < 0x20 || b >= DEL) {
      // Not a sequence after all; the byte itself (a newline, say) must not be lost.
      state = State.TEXT;
      text(b, completed);
    } else {
      state = State.TEXT; // a two-byte sequence such as ESC 7, ESC M, ESC =
    }
  }

  private void escapeIntermediate(int b, List<String> completed) {
    if (b >= 0x20 && b <= 0x2F) {
      return;
    }
    state = State.TEXT;
    if (b < 0x30 || b > 0x7E) {
      text(b, completed);
    }
  }

  private void csi(int b, List<String> completed) {
    if (b >= 0x20 && b <= 0x3F) {
      return;
    }
    state = State.TEXT;
    if (b < 0x40 || b > 0x7E) {
      // A broken sequence: give the byte back to the text rather than swallow a line end.
      text(b, completed);
    }
  }

  private void controlString(int b, List<String> completed) {
    if (b == BEL) {
      state = State.TEXT;
    } else if (b == ESC) {
      state = State.CONTROL_STRING_ESCAPE;
    } else if (b == '\n') {
      // An unterminated title string must not eat the rest of the console.
      state = State.TEXT;
      text(b, completed);
    }
  }

  private void controlStringEscape(int b, List<String> completed) {
    if (b == '\\') {
      state = State.TEXT;
    } else {
      state = State.ESCAPE;
      escape(b, completed);
    }
  }

  private void text(int b, List<String> completed) {
    if (b == ESC) {
      state = State.ESCAPE;
    } else if (b == '\n') {
      complete(completed);
    } else if (b == '\r') {
      carriageReturn = true;
    } else if ((b < 0x20 && b != '\t') || b == DEL) {
      return;
    } else {
      if (carriageReturn) {
        length = 0;
        carriageReturn = false;
      }
      if (length >= MAX_LINE_BYTES && !isContinuationByte(b)) {
        complete(completed);
      }
      append(b);
    }
  }

  private void complete(List<String> completed) {
    completed.add(decode(length));
    length = 0;
    carriageReturn = false;
  }

  private void append(int b) {
    if (length == line.length) {
      line = Arrays.copyOf(line, line.length * 2);
    }
    line[length++] = (byte) b;
  }

  /** The line's length without a trailing UTF-8 sequence that is still incomplete. */
  private int completeCharactersLength() {
    int lead = length - 1;
    while (lead >= 0 && length - lead <= 3 && isContinuationByte(line[lead] & 0xFF)) {
      lead--;
    }
    if (lead < 0) {
      return length;
    }
    int first = line[lead] & 0xFF;
    int expected;
    if (first >= 0xF8) {
      expected = 1; // never valid: decoded as U+FFFD right away
    } else if (first >= 0xF0) {
      expected = 4;
    } else if (first >= 0xE0) {
      expected = 3;
    } else if (first >= 0xC0) {
      expected = 2;
    } else {
      expected = 1;
    }
    return length - lead < expected ? lead : length;
  }

  private String decode(int count) {
    String text = new String(line, 0, count, StandardCharsets.UTF_8);
    return text.chars().anyMatch(TerminalLineDecoder::isC1Control)
        ? text.codePoints()
            .filter(c -> !isC1Control(c))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString()
        : text;
  }

  private static boolean isContinuationByte(int b) {
    return (b & 0xC0) == 0x80;
  }

  /** C1 controls (U+0080..U+009F) arrive UTF-8 encoded; they are controls, not text. */
  private static boolean isC1Control(int c) {
    return c >= 0x80 && c <= 0x9F;
  }
}
