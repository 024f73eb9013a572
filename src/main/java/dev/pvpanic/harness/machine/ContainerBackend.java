package dev.pvpanic.harness.machine;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * QEMU inside a container started from a LOCAL image (built by {@code ci/qemu-container/build.sh};
 * nothing is pulled), through Testcontainers.
 *
 * <p>The run folder is bind-mounted at the same path, so QEMU in the container connects to the unix
 * sockets the harness listens on; the kernel and initrd are bind-mounted read-only at their own
 * paths; {@code /dev/kvm} is passed only when KVM is asked for; the container has no network. The
 * engine must see this host's paths (a local engine, not a remote one).
 *
 * <p>Nothing outlives its JVM, with Ryuk disabled (no registry to pull it from):
 *
 * <ul>
 *   <li>{@link QemuProcess#close()} kills and removes the container; Testcontainers' JVM shutdown
 *       hook removes what is left on a normal exit;
 *   <li>QEMU runs under a small shell that holds the container's stdin, which the harness keeps
 *       attached: when the JVM dies, even by SIGKILL, the engine closes that stdin and the shell
 *       kills QEMU, so no guest keeps running;
 *   <li>every container carries its JVM's owner label; the next start removes containers whose JVM
 *       is gone ({@link ContainerEngine#sweepStale()}), as {@link RunFolder} does for folders.
 * </ul>
 */
public record ContainerBackend(String image, ContainerEngine engine) implements QemuBackend {
  /** Label naming the JVM that owns a container ({@code <pid>-<start>}, see {@link RunFolder}). */
  public static final String OWNER_LABEL = "dev.pvpanic.harness.owner";

  /** Label naming the machine a container runs. */
  public static final String MACHINE_LABEL = "dev.pvpanic.harness.machine";

  public ContainerBackend {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(engine, "engine");
    try {
      DockerImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + image + "' is not a container image name (e.g. pvh-qemu:bookworm-backports)", e);
    }
  }

  @Override
  public QemuProcess start(QemuInvocation invocation) throws IOException {
    engine.sweepStale();
    return ContainerProcess.start(image, invocation);
  }

  @Override
  public Optional<String> unavailableReason() {
    Optional<String> problem = engine.problem();
    if (problem.isPresent()) {
      return problem;
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return Optional.empty();
    } catch (NotFoundException e) {
      return Optional.of(
          "container image '"
              + image
              + "' is not in the local Docker engine (nothing is pulled); build it with"
              + " ci/qemu-container/build.sh "
              + image);
    } catch (RuntimeException e) {
      return Optional.of("cannot inspect container image '" + image + "': " + e.getMessage());
    }
  }

  @Override
  public String describe() {
    return "container " + image;
  }

  /** This JVM's owner label value. */
  static String ownerTag() {
    return RunFolder.ownerTag();
  }
}
