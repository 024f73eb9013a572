package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns QMP lines into {@link QmpMessage} values and commands into lines. No I/O, no state. */
public final class QmpCodec {
  /** QMP sends one JSON object per line: anything after it means the stream is out of step. */
  private static final ObjectReader LINE_READER =
      Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final int QUOTE_LIMIT = 200;

  private QmpCodec() {}

  /**
   * Decodes one line QEMU sent.
   *
   * @param nextEventIndex the index the event gets if this line is an event
   * @param receivedAt when the line was read
   * @throws QmpProtocolException if the line is not JSON or not one of the four QMP message kinds
   */
  public static QmpMessage decode(String line, long nextEventIndex, Instant receivedAt) {
    JsonNode node;
    try {
      node = LINE_READER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new QmpProtocolException(
          "malformed QMP line (" + e.getOriginalMessage() + "): " + quote(line), e);
    }
    if (node == null || !node.isObject()) {
      throw new QmpProtocolException("QMP line is not a JSON object: " + quote(line));
    }
    if (node.has("QMP")) {
      return greeting(node.get("QMP"), line);
    }
    if (node.has("return")) {
      return new Success(id(node), node.get("return"));
    }
    if (node.has("error")) {
      JsonNode error = node.get("error");
      return new ErrorReply(id(node), text(error, "class", line), text(error, "desc", line));
    }
    if (node.has("event")) {
      return event(node, nextEventIndex, receivedAt, line);
    }
    throw new QmpProtocolException(
        "unknown QMP message (expected a member QMP, return, error or event): " + quote(line));
  }

  /** One command line, without the trailing newline. {@code arguments} may be null. */
  public static String encodeCommand(String id, String execute, JsonNode arguments) {
    ObjectNode command = Json.MAPPER.createObjectNode();
    command.put("execute", execute);
    if (arguments != null) {
      command.set("arguments", arguments);
    }
    command.put("id", id);
    return command.toString();
  }

  /** A command's arguments as JSON, or null when there are none. */
  static ObjectNode arguments(String command, Map<String, ?> arguments) {
    if (arguments == null || arguments.isEmpty()) {
      return null;
    }
    try {
      return Json.MAPPER.valueToTree(arguments);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "arguments of QMP command '" + command + "' cannot be written as JSON: " + arguments, e);
    }
  }

  /** The line in quotes, cut to about 200 characters so a runaway line stays readable. */
  static String quote(String line) {
    if (line.length() <= QUOTE_LIMIT) {
      return "'" + line + "'";
    }
    return "'" + line.substring(0, QUOTE_LIMIT) + "...' (" + line.length() + " characters)";
  }

  private static Greeting greeting(JsonNode qmp, String line) {
    JsonNode version = qmp.path("version");
    JsonNode qemu = version.path("qemu");
    QemuVersion qemuVersion =
        new QemuVersion(
            integer(qemu, "major", line),
            integer(qemu, "minor", line),
            integer(qemu, "micro", line),
            version.path("package").asText(""));
    List<String> capabilities = new ArrayList<>();
    qmp.path("capabilities").forEach(capability -> capabilities.add(capability.asText()));
    return new Greeting(qemuVersion, capabilities);
  }

  private static QmpEvent event(JsonNode node, long index, Instant receivedAt, String line) {
    JsonNode data = node.get("data");
    if (data != null && !data.isObject()) {
      throw new QmpProtocolException("QMP event data is not an object: " + quote(line));
    }
    JsonNode timestamp = node.path("timestamp");
    if (!timestamp.path("seconds").canConvertToLong()
        || !timestamp.path("microseconds").canConvertToLong()) {
      throw new QmpProtocolException(
          "QMP event lacks timestamp.seconds and timestamp.microseconds: " + quote(line));
    }
    Instant qemuTime =
        Instant.ofEpochSecond(
            timestamp.get("seconds").asLong(), timestamp.get("microseconds").asLong() * 1_000L);
    return new QmpEvent(index, text(node, "event", line), (ObjectNode) data, qemuTime, receivedAt);
  }

  /** QMP lets a client use any JSON value as id; this client only sends strings. */
  private static String id(JsonNode node) {
    JsonNode id = node.get("id");
    return id == null || id.isNull() ? null : id.isValueNode() ? id.asText() : id.toString();
  }

  private static String text(JsonNode node, String field, String line) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new QmpProtocolException(
          "QMP message lacks the text member '" + field + "': " + quote(line));
    }
    return value.asText();
  }

  private static int integer(JsonNode node, String field, String line) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new QmpProtocolException(
          "QMP greeting lacks the number version.qemu." + field + ": " + quote(line));
    }
    return value.asInt();
  }
}
