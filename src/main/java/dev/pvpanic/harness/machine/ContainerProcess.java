package dev.pvpanic.harness.machine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * QEMU running in a container (see {@link ContainerBackend}). The exit code comes from the engine
 * ({@code wait}); stdout and stderr are followed into the artifact files while QEMU runs, and the
 * exit is reported only once both streams have ended, so a launch failure can quote stderr.
 */
final class ContainerProcess implements QemuProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerProcess.class);
  private static final Duration LOGS_GRACE = Duration.ofSeconds(5);

  private final QemuContainer container;
  private final DockerClient client;
  private final String id;
  private final long pid;
  private final CompletableFuture<Integer> exit;
  private volatile boolean closed;

  private ContainerProcess(
      QemuContainer container,
      DockerClient client,
      String id,
      long pid,
      CompletableFuture<Integer> exit) {
    this.container = container;
    this.client = client;
    this.id = id;
    this.pid = pid;
    this.exit = exit;
  }

  static ContainerProcess start(String image, QemuInvocation inv) throws IOException {
    QemuContainer c = QemuContainer.of(image, inv);
    try {
      c.start();
    } catch (RuntimeException e) {
      c.releaseTether();
      stopQuietly(c);
      throw new IOException(
          "cannot start a container from image '" + image + "': " + rootMessage(e), e);
    }
    try {
      DockerClient client = c.getDockerClient();
      String id = c.getContainerId();
      InspectContainerResponse info = client.inspectContainerCmd(id).exec();
      Long hostPid = info.getState().getPidLong();
      CompletableFuture<Integer> exit = new CompletableFuture<>();
      ContainerProcess p =
          new ContainerProcess(c, client, id, hostPid == null ? -1 : hostPid, exit);
      p.followUntilExit(inv.stdout(), inv.stderr());
      return p;
    } catch (IOException | RuntimeException e) {
      c.releaseTether();
      stopQuietly(c);
      throw e;
    }
  }

  /*
   * Streams stdout/stderr into the files and, on a thread of its own, waits for the container to
   * stop; the exit completes after the streams ended, so the files are whole by then.
   */
  private void followUntilExit(Path stdout, Path stderr) throws IOException {
    OutputStream out = Files.newOutputStream(stdout);
    OutputStream err = Files.newOutputStream(stderr);
    OutputFiles logs = new OutputFiles(out, err);
    client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
    Thread waiter =
        new Thread(
            () -> {
              int code = waitForExit();
              try {
                logs.awaitCompletion(LOGS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              logs.closeFiles();
              exit.complete(code);
            },
            "qemu-container-" + id.substring(0, 12));
    waiter.setDaemon(true);
    waiter.start();
  }

  private int waitForExit() {
    while (true) {
      try {
        return client
            .waitContainerCmd(id)
            .exec(new WaitContainerResultCallback())
            .awaitStatusCode();
      } catch (NotFoundException e) {
        return -1;
      } catch (RuntimeException e) {
        // The wait call dropped (engine restart, timeout): ask the engine directly.
        try {
          InspectContainerResponse.ContainerState s =
              client.inspectContainerCmd(id).exec().getState();
          if (!Boolean.TRUE.equals(s.getRunning())) {
            Long code = s.getExitCodeLong();
            return code == null ? -1 : code.intValue();
          }
          Thread.sleep(500);
        } catch (NotFoundException gone) {
          return -1;
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return -1;
        } catch (RuntimeException again) {
          LOG.warn("cannot inspect container {}: {}", id, again);
          return -1;
        }
      }
    }
  }

  @Override
  public long pid() {
    return pid;
  }

  /**
   * QEMU is the child of the container's tether shell ({@link QemuContainer#TETHER}) whose command
   * is QEMU's; the shell itself when it cannot be found (the container is gone).
   */
  @Override
  public long qemuPid() {
    String children;
    try {
      children =
          Files.readString(
              Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
    } catch (IOException | RuntimeException e) {
      return pid;
    }
    for (String child : children.strip().split("\\s+")) {
      try {
        String comm = Files.readString(Path.of("/proc", child, "comm")).strip();
        if (comm.startsWith("qemu-system")) {
          return Long.parseLong(child);
        }
      } catch (IOException | RuntimeException e) {
        // gone meanwhile
      }
    }
    return pid;
  }

  @Override
  public String describe() {
    return "container " + id.substring(0, 12) + " (pid " + pid + ")";
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  @Override
  public void kill() {
    try {
      client.killContainerCmd(id).exec();
    } catch (NotFoundException | ConflictException e) {
      // not running any more: what we wanted
    }
  }

  /** Kills QEMU if it still runs, then removes the container. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (isAlive()) {
        kill();
        awaitExit(Duration.ofSeconds(10));
      }
    } finally {
      container.releaseTether();
      stopQuietly(container);
    }
  }

  private static void stopQuietly(GenericContainer<?> c) {
    try {
      c.stop();
    } catch (RuntimeException e) {
      LOG.warn("cannot remove container: {}", e.toString());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    List<String> messages = new ArrayList<>();
    while (t != null) {
      if (t.getMessage() != null) {
        messages.add(t.getMessage());
      }
      t = t.getCause();
    }
    return String.join(": ", messages);
  }

  /** Frames to files by stream. */
  private static final class OutputFiles extends ResultCallback.Adapter<Frame> {
    private final OutputStream out;
    private final OutputStream err;

    OutputFiles(OutputStream out, OutputStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public void onNext(Frame frame) {
      try {
        OutputStream target = frame.getStreamType() == StreamType.STDERR ? err : out;
        synchronized (this) {
          target.write(frame.getPayload());
          target.flush();
        }
      } catch (IOException e) {
        LOG.warn("cannot write QEMU output: {}", e.toString());
      }
    }

    synchronized void closeFiles() {
      try {
        out.close();
        err.close();
      } catch (IOException e) {
        LOG.debug("closing QEMU output files: {}", e.toString());
      }
    }
  }
}
