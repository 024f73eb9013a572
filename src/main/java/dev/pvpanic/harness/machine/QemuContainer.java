package dev.pvpanic.harness.machine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.Frame;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;
import org.testcontainers.utility.DockerImageName;

/**
 * The container one QEMU runs in (see {@link ContainerProcess}): QEMU under a tether shell, no
 * network, the run folder shared read-write and the kernel and initrd read-only. Its stdin, the
 * tether, is attached between create and start (the engine closes it when this JVM's connection
 * goes away); ready means started, since readiness is QEMU connecting its sockets.
 */
final class QemuContainer extends GenericContainer<QemuContainer> {
  private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(20);

  /**
   * The container's entrypoint: runs QEMU as a child (PID 1 could not be killed from inside) and
   * kills it when stdin reaches end of file, i.e. when the JVM holding stdin went away. fd 3 keeps
   * the real stdin: a background job's own stdin is /dev/null in a non-interactive shell.
   */
  static final String TETHER =
      "exec 3<&0; \"$@\" </dev/null & q=$!;"
          + " (cat <&3 >/dev/null; kill -9 \"$q\" 2>/dev/null) </dev/null &"
          + " wait \"$q\"";

  private final TetherInput tether = new TetherInput();
  private volatile Closeable attachment;

  QemuContainer(DockerImageName image) {
    super(image);
  }

  /** The container for {@code inv}: QEMU under the tether, no network, its files shared. */
  static QemuContainer of(String image, QemuInvocation inv) {
    QemuContainer c = new QemuContainer(DockerImageName.parse(image));
    c.withCreateContainerCmdModifier(
            cmd -> {
              cmd.withEntrypoint("/bin/sh", "-c", TETHER, "pvh-tether");
              cmd.withStdinOpen(true).withStdInOnce(true).withAttachStdin(true);
              cmd.withName("pvh-" + inv.name() + "-" + Long.toHexString(System.nanoTime()));
              if (inv.kvm()) {
                cmd.getHostConfig().withDevices(Device.parse("/dev/kvm"));
              }
            })
        .withCommand(inv.argv().toArray(String[]::new))
        .withEnv(inv.env())
        .withNetworkMode("none")
        .withLabel(ContainerBackend.OWNER_LABEL, ContainerBackend.ownerTag())
        .withLabel(ContainerBackend.MACHINE_LABEL, inv.name())
        .withFileSystemBind(
            inv.runFolder().toString(), inv.runFolder().toString(), BindMode.READ_WRITE)
        .withStartupCheckStrategy(new StartedIsEnough())
        .waitingFor(new NoWait());
    for (Path input : inv.inputs()) {
      String p = input.toAbsolutePath().toString();
      c.withFileSystemBind(p, p, BindMode.READ_ONLY);
    }
    return c;
  }

  @Override
  protected void containerIsCreated(String containerId) {
    CountDownLatch attached = new CountDownLatch(1);
    ResultCallback.Adapter<Frame> cb =
        new ResultCallback.Adapter<>() {
          @Override
          public void onStart(Closeable stream) {
            super.onStart(stream);
            attached.countDown();
          }
        };
    attachment =
        getDockerClient()
            .attachContainerCmd(containerId)
            .withStdIn(tether)
            .withFollowStream(true)
            .exec(cb);
    try {
      if (!attached.await(ATTACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "could not attach the tether to container "
                + containerId
                + " within "
                + ATTACH_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while attaching the tether", e);
    }
  }

  /** Ends the tether's stdin (the container's shell then kills QEMU if it still runs). */
  void releaseTether() {
    tether.release();
    Closeable a = attachment;
    if (a != null) {
      try {
        a.close();
      } catch (IOException e) {
        // the connection is going away either way
      }
    }
  }

  /** Stdin that sends nothing and blocks until released, then ends. */
  static final class TetherInput extends InputStream {
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public int read() throws IOException {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return len == 0 ? 0 : read();
    }

    void release() {
      released.countDown();
    }

    @Override
    public void close() {
      release();
    }
  }

  /** Started is all we need: readiness is QEMU connecting its sockets, which the caller awaits. */
  private static final class StartedIsEnough extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
      return StartupStatus.SUCCESSFUL;
    }
  }

  private static final class NoWait implements WaitStrategy {
    @Override
    public void waitUntilReady(WaitStrategyTarget target) {}

    @Override
    public WaitStrategy withStartupTimeout(Duration startupTimeout) {
      return this;
    }
  }
}
