package dev.pvpanic.harness.machine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.pvpanic.harness.Setting;
import dev.pvpanic.harness.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 *       is gone ({@link #sweepStale()}), as {@link RunFolder} does for folders.
 * </ul>
 */
public record ContainerBackend(String image) implements QemuBackend {
  /** Label naming the JVM that owns a container ({@code <pid>-<start>}, see {@link RunFolder}). */
  public static final String OWNER_LABEL = "dev.pvpanic.harness.owner";

  /** Label naming the machine a container runs. */
  public static final String MACHINE_LABEL = "dev.pvpanic.harness.machine";

  private static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
  private static Optional<String> engineProblem;

  public ContainerBackend {
    Objects.requireNonNull(image, "image");
    try {
      DockerImageName.parse(image);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + image + "' is not a container image name (e.g. pvh-qemu:bookworm-backports)", e);
    }
  }

  @Override
  public QemuProcess start(QemuInvocation invocation) throws IOException {
    sweepStale();
    return ContainerProcess.start(image, invocation);
  }

  @Override
  public Optional<String> unavailableReason() {
    Optional<String> engine = engineProblem();
    if (engine.isPresent()) {
      return engine;
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

  /**
   * Why no Docker engine can be used from this JVM, if none can. Testcontainers remembers a failed
   * attempt for the JVM's lifetime, and so does this (with the first, informative reason).
   */
  public static synchronized Optional<String> engineProblem() {
    if (engineProblem == null) {
      engineProblem = findEngineProblem();
    }
    return engineProblem;
  }

  private static Optional<String> findEngineProblem() {
    Optional<String> dockerHost = Settings.system().get(Setting.DOCKER_HOST);
    if (dockerHost.isEmpty() && !Files.exists(DEFAULT_SOCKET)) {
      return Optional.of(
          "no Docker engine: "
              + DEFAULT_SOCKET
              + " does not exist and DOCKER_HOST is not set; start one with"
              + " ci/docker-engine.sh start");
    }
    try {
      DockerClientFactory.instance().client();
      return Optional.empty();
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Optional.of(
          "no Docker engine answers at "
              + dockerHost.orElse(DEFAULT_SOCKET.toString())
              + " ("
              + why.lines().findFirst().orElse(why)
              + "); start one with ci/docker-engine.sh start");
    }
  }

  /**
   * Removes containers whose owning JVM no longer runs (it was killed before it could remove them).
   * Cheap: one list call. Does nothing when no engine answers.
   *
   * @return how many were removed
   */
  public static int sweepStale() {
    if (engineProblem().isPresent()) {
      return 0;
    }
    DockerClient client = DockerClientFactory.instance().client();
    List<Container> ours =
        client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(OWNER_LABEL)).exec();
    int removed = 0;
    for (Container c : ours) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      String owner = labels.getOrDefault(OWNER_LABEL, "");
      if (RunFolder.isStaleOwner(owner)) {
        try {
          client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
          removed++;
        } catch (NotFoundException e) {
          // removed concurrently: what we wanted
        }
      }
    }
    return removed;
  }

  /** This JVM's owner label value. */
  static String ownerTag() {
    return RunFolder.ownerTag();
  }
}
