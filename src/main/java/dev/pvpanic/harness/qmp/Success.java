package dev.pvpanic.harness.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A command's success reply: {@code {"return": ..., "id": ...}}.
 *
 * @param id the id the command was sent with, or null when QEMU sent none
 * @param ret the command's result (often an empty object)
 */
public record Success(String id, JsonNode ret) implements QmpMessage {
  public Success {
    Objects.requireNonNull(ret, "ret");
  }
}
