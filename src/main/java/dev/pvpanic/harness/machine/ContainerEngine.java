package dev.pvpanic.harness.machine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * The Docker engine {@link ContainerBackend}s run on, as one session sees it: whether it answers
 * (asked once per engine object, which a session owns), and the removal of containers whose JVM is
 * gone.
 */
public final class ContainerEngine {
  private static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private final Optional<String> dockerHost;
  private final Optional<Path> preparing;
  private Optional<String> problem;

  /**
   * @param dockerHost the {@code DOCKER_HOST} the session's settings name, if any (Testcontainers
   *     reads the JVM's own; this one is for saying where no engine answered)
   */
  public ContainerEngine(Optional<String> dockerHost) {
    this(dockerHost, Optional.empty());
  }

  /**
   * @param preparing the folder of a {@link ContainerPreparation} started beside this run, which
   *     the first question to the engine waits for
   */
  public ContainerEngine(Optional<String> dockerHost, Optional<Path> preparing) {
    this.dockerHost = dockerHost;
    this.preparing = preparing;
  }

  /**
   * Why no Docker engine can be used, if none can. Testcontainers remembers a failed attempt for
   * the JVM's lifetime, and so does this engine for its own (with the first, informative reason).
   */
  public synchronized Optional<String> problem() {
    if (problem == null) {
      problem = findProblem();
    }
    return problem;
  }

  private Optional<String> findProblem() {
    if (preparing.isPresent()) {
      Optional<String> failed =
          ContainerPreparation.await(
              preparing.get(), ContainerPreparation.LIMIT, System.err::println);
      if (failed.isPresent()) {
        return failed;
      }
    }
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
  public int sweepStale() {
    if (problem().isPresent()) {
      return 0;
    }
    DockerClient client = DockerClientFactory.instance().client();
    List<Container> ours =
        client
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(List.of(ContainerBackend.OWNER_LABEL))
            .exec();
    int removed = 0;
    for (Container c : ours) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      String owner = labels.getOrDefault(ContainerBackend.OWNER_LABEL, "");
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
}
