package dev.pvpanic.harness.qmp;

import java.util.Objects;

/**
 * A command's error reply: {@code {"error": {"class": ..., "desc": ...}, "id": ...}}.
 *
 * @param id the id the command was sent with, or null when QEMU sent none (e.g. it could not parse
 *     the command)
 */
public record ErrorReply(String id, String errorClass, String description) implements QmpMessage {
  public ErrorReply {
    Objects.requireNonNull(errorClass, "errorClass");
    Objects.requireNonNull(description, "description");
  }
}
