package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.util.Optional;

/**
 * QEMU as a child process of this JVM, tethered so that it dies with the JVM even on SIGKILL (see
 * {@link TetheredProcess}).
 */
public record LocalProcessBackend() implements QemuBackend {

  @Override
  public QemuProcess start(QemuInvocation invocation) throws IOException {
    return TetheredProcess.start(
        invocation.name(),
        invocation.argv(),
        invocation.env(),
        invocation.stdout(),
        invocation.stderr());
  }

  @Override
  public Optional<String> unavailableReason() {
    return Optional.empty();
  }

  @Override
  public String describe() {
    return "local process";
  }
}
