package dev.pvpanic.harness.qmp;

import java.util.List;
import java.util.Objects;

/**
 * The first line QEMU sends: {@code {"QMP": {"version": {...}, "capabilities": [...]}}}.
 *
 * @param capabilities what QEMU offers (e.g. {@code oob}); the client enables none of them
 */
public record Greeting(QemuVersion version, List<String> capabilities) implements QmpMessage {
  public Greeting {
    Objects.requireNonNull(version, "version");
    capabilities = List.copyOf(capabilities);
  }
}
