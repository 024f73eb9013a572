package dev.pvpanic.harness.machine;

/**
 * A QEMU build the matrix names cannot be made ready here (its packages cannot be fetched, it needs
 * shared libraries this host lacks). The cells that use it are skipped with this message.
 */
public class QemuBuildUnavailableException extends MachineException {
  private static final long serialVersionUID = 1L;

  public QemuBuildUnavailableException(String message) {
    super(message);
  }

  public QemuBuildUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
