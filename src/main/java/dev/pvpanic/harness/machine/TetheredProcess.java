package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process that cannot outlive this JVM, even one killed with SIGKILL.
 *
 * <p>The child is started through {@code setpriv --pdeathsig KILL}, which asks the kernel to kill
 * it when its parent goes away. Linux tracks the parent THREAD, not the process: if the thread that
 * spawned it ends, the child is killed although the JVM lives. So each process is spawned by its
 * own keeper thread, which then waits for the process and so lives exactly as long as it does.
 */
final class TetheredProcess implements QemuProcess {
  private static final Logger LOG = LoggerFactory.getLogger(TetheredProcess.class);
  private static final String SETPRIV = "/usr/bin/setpriv";

  private final Process process;
  private final CompletableFuture<Integer> exit;

  private TetheredProcess(Process process, CompletableFuture<Integer> exit) {
    this.process = process;
    this.exit = exit;
  }

  /** True when children can be tethered here (setpriv is installed). */
  static boolean tetherAvailable() {
    return Files.isExecutable(Path.of(SETPRIV));
  }

  static TetheredProcess start(
      String name, List<String> argv, Map<String, String> env, Path stdout, Path stderr)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (tetherAvailable()) {
      command.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
    } else {
      LOG.warn(
          "{}: {} is missing: QEMU is not tethered and outlives a JVM killed with SIGKILL"
              + " (install util-linux)",
          name,
          SETPRIV);
    }
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(stderr.toFile());

    CompletableFuture<Process> started = new CompletableFuture<>();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread keeper =
        new Thread(
            () -> {
              Process p;
              try {
                p = pb.start();
              } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
                return;
              }
              started.complete(p);
              exit.complete(waitUninterruptibly(p));
            },
            "qemu-keeper-" + name);
    keeper.setDaemon(true);
    keeper.start();
    try {
      return new TetheredProcess(started.get(), exit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + argv.get(0), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start " + argv.get(0), e.getCause());
    }
  }

  /*
   * The keeper thread must not end before its process: it is the process's parent for pdeathsig.
   * Nobody interrupts it; if someone does, it keeps waiting and restores the flag when done.
   */
  private static int waitUninterruptibly(Process p) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return p.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public String describe() {
    return "pid " + process.pid();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  @Override
  public void kill() {
    process.destroyForcibly();
  }

  /** A process holds nothing beyond itself: kill it if it still runs. */
  @Override
  public void close() {
    if (isAlive()) {
      kill();
    }
  }
}
