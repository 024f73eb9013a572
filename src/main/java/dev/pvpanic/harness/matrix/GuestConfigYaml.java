package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading a guest config file as YAML, within its limits: a regular file of at most {@link
 * GuestConfig#MAX_BYTES} with no line over {@link GuestConfig#MAX_LINE_CHARS}, UTF-8, not empty, no
 * duplicate keys and no aliases. Each refusal names the file (and the line and column, where the
 * parser knows them) and says what to do. What the values mean is {@link GuestConfig}'s business.
 */
final class GuestConfigYaml {
  private GuestConfigYaml() {}

  /**
   * The YAML value of {@code file}, never null.
   *
   * @throws GuestConfigException when the file is missing, too large, not UTF-8, empty, not valid
   *     YAML or uses an alias
   */
  static Object read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new GuestConfigException("no guest config " + file.toAbsolutePath());
    }
    String text = readBounded(file);
    refuseLongLines(text, file);
    if (text.isBlank()) {
      throw new GuestConfigException(
          file + ": is empty (expected a mapping with 'name', 'axes' and/or 'cells')");
    }
    Object root;
    try {
      refuseAliases(text, file);
      root = Json.YAML_NO_DUPLICATES.readValue(text, Object.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new GuestConfigException(
          file
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": not valid YAML: "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          e);
    } catch (IOException e) {
      throw new GuestConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new GuestConfigException(
          file + ": is empty (expected a mapping with 'name', 'axes' and/or 'cells')");
    }
    return root;
  }

  /**
   * The file's text: at most {@link GuestConfig#MAX_BYTES}, and UTF-8, or a message that says
   * which.
   */
  private static String readBounded(Path file) {
    byte[] bytes;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(GuestConfig.MAX_BYTES + 1);
    } catch (IOException e) {
      throw new GuestConfigException(
          file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    if (bytes.length > GuestConfig.MAX_BYTES) {
      throw new GuestConfigException(
          file
              + ": is larger than "
              + GuestConfig.MAX_BYTES / (1 << 20)
              + " MiB; a guest config is YAML of a few kilobytes (a matrix of thousands of cells"
              + " takes less): is this the right file?");
    }
    java.nio.charset.CharsetDecoder utf8 =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult r = utf8.decode(in, out, true);
    if (r.isError()) {
      throw new GuestConfigException(
          file
              + ": is not UTF-8 text (byte "
              + in.position()
              + " and the "
              + r.length()
              + " after it do not decode); save it as UTF-8");
    }
    return out.flip().toString();
  }

  /** Refuses a line the YAML scanner would need far more memory than the file's size for. */
  private static void refuseLongLines(String text, Path file) {
    int line = 1;
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        if (i - start > GuestConfig.MAX_LINE_CHARS) {
          throw new GuestConfigException(
              file
                  + ":"
                  + line
                  + ": a line of "
                  + (i - start)
                  + " characters, over "
                  + GuestConfig.MAX_LINE_CHARS
                  + "; a guest config's longest value, a kernel command line, is under 2 KiB: is"
                  + " this the right file?");
        }
        line++;
        start = i + 1;
      }
    }
  }

  /**
   * Refuses YAML aliases ({@code *name}): the parser reads one as its name, not as the anchored
   * value, so {@code recipe: *r} would ask for a recipe called "r". Expanding them is not worth an
   * alias bomb's risk in a file that names a few dozen cells.
   */
  private static void refuseAliases(String text, Path file) throws IOException {
    try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p =
        (com.fasterxml.jackson.dataformat.yaml.YAMLParser)
            Json.YAML_NO_DUPLICATES.createParser(text)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias()) {
          com.fasterxml.jackson.core.JsonLocation at = p.currentTokenLocation();
          throw new GuestConfigException(
              file
                  + ":"
                  + at.getLineNr()
                  + ":"
                  + at.getColumnNr()
                  + ": the YAML alias '*"
                  + p.getText()
                  + "' is not supported here: write the value out (an alias would be read as"
                  + " its name, not as the value it stands for)");
        }
      }
    }
  }
}
