package dev.pvpanic.harness.qmp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QmpCodecTest {
  private static final Instant RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static QmpMessage decode(String line) {
    return QmpCodec.decode(line, 7, RECEIVED);
  }

  @Test
  void decodesTheGreetingAsQemuSendsIt() {
    QmpMessage message =
        decode(
            "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 9},"
                + " \"package\": \"Debian 1:9.2.1+ds-1\"}, \"capabilities\": [\"oob\"]}}");

    Greeting greeting = assertInstanceOf(Greeting.class, message);
    assertEquals(new QemuVersion(9, 2, 1, "Debian 1:9.2.1+ds-1"), greeting.version());
    assertEquals(List.of("oob"), greeting.capabilities());
  }

  @Test
  void decodesAGreetingWithoutCapabilitiesOrPackage() {
    Greeting greeting =
        assertInstanceOf(
            Greeting.class,
            decode(
                "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 7}}}}"));

    assertEquals(QemuVersion.of(7, 1, 0), greeting.version());
    assertEquals(List.of(), greeting.capabilities());
  }

  @Test
  void rejectsAGreetingWithoutVersion() {
    QmpProtocolException e =
        assertThrows(QmpProtocolException.class, () -> decode("{\"QMP\": {\"capabilities\": []}}"));
    assertTrue(e.getMessage().contains("version.qemu.major"), e.getMessage());
  }

  @Test
  void decodesASuccessWithItsIdAndReturnValue() throws Exception {
    Success success =
        assertInstanceOf(
            Success.class,
            decode(
                "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": \"pvh-3\"}"));

    assertEquals("pvh-3", success.id());
    assertEquals(MAPPER.readTree("{\"status\": \"running\", \"running\": true}"), success.ret());
  }

  @Test
  void aSuccessWithoutIdHasANullId() {
    Success success = assertInstanceOf(Success.class, decode("{\"return\": {}}"));
    assertNull(success.id());
    assertTrue(success.ret().isObject() && success.ret().isEmpty());
  }

  @Test
  void decodesAnErrorReply() {
    ErrorReply error =
        assertInstanceOf(
            ErrorReply.class,
            decode(
                "{\"id\": \"pvh-9\", \"error\": {\"class\": \"GenericError\","
                    + " \"desc\": \"Guest has not initialized the display\"}}"));

    assertEquals(
        new ErrorReply("pvh-9", "GenericError", "Guest has not initialized the display"), error);
  }

  @Test
  void rejectsAnErrorReplyWithoutDescription() {
    QmpProtocolException e =
        assertThrows(
            QmpProtocolException.class, () -> decode("{\"error\": {\"class\": \"GenericError\"}}"));
    assertTrue(e.getMessage().contains("'desc'"), e.getMessage());
  }

  @Test
  void decodesAnEventWithDataAndConvertsItsTimestamp() {
    QmpEvent event =
        assertInstanceOf(
            QmpEvent.class,
            decode(
                "{\"timestamp\": {\"seconds\": 1735787045, \"microseconds\": 123456},"
                    + " \"event\": \"GUEST_PANICKED\","
                    + " \"data\": {\"action\": \"pause\", \"info\": {\"type\": \"hyper-v\"}}}"));

    assertAll(
        () -> assertEquals(7, event.index()),
        () -> assertEquals("GUEST_PANICKED", event.name()),
        () -> assertEquals("pause", event.data().path("action").asText()),
        () -> assertEquals("hyper-v", event.data().path("info").path("type").asText()),
        () -> assertEquals(Instant.parse("2025-01-02T03:04:05.123456Z"), event.qemuTime()),
        () -> assertEquals(RECEIVED, event.receivedAt()));
  }

  @Test
  void anEventWithoutDataHasAnEmptyDataObject() {
    QmpEvent event =
        assertInstanceOf(
            QmpEvent.class,
            decode("{\"timestamp\": {\"seconds\": 10, \"microseconds\": 5}, \"event\": \"STOP\"}"));

    assertTrue(event.data().isObject() && event.data().isEmpty());
    assertEquals(Instant.ofEpochSecond(10, 5_000), event.qemuTime());
    assertEquals("STOP", event.toString());
  }

  @Test
  void anEventPrintsCompactly() {
    QmpEvent event =
        assertInstanceOf(
            QmpEvent.class,
            decode(
                "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"RESET\","
                    + " \"data\": {\"guest\": true, \"reason\": \"guest-reset\"}}"));

    assertEquals("RESET {\"guest\":true,\"reason\":\"guest-reset\"}", event.toString());
  }

  @Test
  void anEventCannotBeChangedThroughItsData() {
    QmpEvent event =
        assertInstanceOf(
            QmpEvent.class,
            decode(
                "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 0}, \"event\": \"RESET\","
                    + " \"data\": {\"guest\": true}}"));

    event.data().put("guest", false);

    assertTrue(event.data().path("guest").asBoolean());
  }

  @Test
  void rejectsAnEventWithoutTimestamp() {
    QmpProtocolException e =
        assertThrows(QmpProtocolException.class, () -> decode("{\"event\": \"STOP\"}"));
    assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    assertTrue(e.getMessage().contains("{\"event\": \"STOP\"}"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"return\": {}",
        "not json at all",
        "{\"return\": {}} {\"return\": {}}",
        "[1, 2]",
        "\"return\""
      })
  void rejectsLinesThatAreNotOneJsonObjectAndQuotesThem(String line) {
    QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> decode(line));
    assertTrue(e.getMessage().contains("'" + line + "'"), e.getMessage());
  }

  @Test
  void rejectsAnObjectOfUnknownShape() {
    QmpProtocolException e =
        assertThrows(QmpProtocolException.class, () -> decode("{\"greeting\": \"hello\"}"));
    assertTrue(e.getMessage().startsWith("unknown QMP message"), e.getMessage());
    assertTrue(e.getMessage().contains("{\"greeting\": \"hello\"}"), e.getMessage());
  }

  @Test
  void quotesOnlyTheStartOfAVeryLongLine() {
    String line = "{\"garbage\": \"" + "x".repeat(5_000);

    QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> decode(line));

    assertTrue(e.getMessage().contains(line.substring(0, 200)), e.getMessage());
    assertFalse(e.getMessage().contains(line.substring(0, 201)), e.getMessage());
    assertTrue(e.getMessage().contains("5013 characters"), e.getMessage());
    assertTrue(e.getMessage().length() < 600, "message length " + e.getMessage().length());
  }

  @Test
  void encodesACommandWithArgumentsOnOneLine() throws Exception {
    JsonNode arguments = MAPPER.valueToTree(Map.of("keys", List.of("c"), "text", "a\nb"));

    String line = QmpCodec.encodeCommand("pvh-4", "send-key", arguments);

    assertFalse(line.contains("\n"), line);
    JsonNode decoded = MAPPER.readTree(line);
    assertEquals("send-key", decoded.get("execute").asText());
    assertEquals("pvh-4", decoded.get("id").asText());
    assertEquals(arguments, decoded.get("arguments"));
  }

  @Test
  void encodesACommandWithoutArgumentsWithoutAnArgumentsMember() {
    assertEquals(
        "{\"execute\":\"qmp_capabilities\",\"id\":\"pvh-1\"}",
        QmpCodec.encodeCommand("pvh-1", "qmp_capabilities", null));
  }
}
