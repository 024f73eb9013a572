package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An asynchronous QMP event, e.g. {@code GUEST_PANICKED}, {@code RESET}, {@code SHUTDOWN}.
 *
 * @param index position in the connection's {@link EventLog}, counting from 0
 * @param name the event name as QEMU spells it
 * @param data the event's {@code data} member; an empty object when QEMU sent none, never null
 * @param qemuTime QEMU's own {@code timestamp} (seconds + microseconds since the epoch)
 * @param receivedAt when the harness read the line
 */
public record QmpEvent(
    long index, String name, ObjectNode data, Instant qemuTime, Instant receivedAt)
    implements QmpMessage {

  public QmpEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(qemuTime, "qemuTime");
    Objects.requireNonNull(receivedAt, "receivedAt");
    // Events live in a log shared by threads: keep this value immutable.
    data = data == null ? JsonNodeFactory.instance.objectNode() : data.deepCopy();
  }

  /** The event's data as plain values (maps, lists, strings, numbers), in QEMU's order. */
  public java.util.Map<String, Object> dataMap() {
    return dev.pvpanic.harness.Json.MAPPER.convertValue(
        data,
        new com.fasterxml.jackson.core.type.TypeReference<
            java.util.LinkedHashMap<String, Object>>() {});
  }

  /** A copy of the event's data: the event itself stays unchanged whatever the caller does. */
  @Override
  public ObjectNode data() {
    return data.deepCopy();
  }

  /** Matches events with this name, for {@link EventLog#await}. */
  public static Predicate<QmpEvent> named(String name) {
    Objects.requireNonNull(name, "name");
    return event -> event.name().equals(name);
  }

  /** Compact and stable: {@code RESET {"guest":true,"reason":"guest-reset"}}, or {@code STOP}. */
  @Override
  public String toString() {
    return data.isEmpty() ? name : name + " " + data;
  }
}
