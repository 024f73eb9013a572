package dev.pvpanic.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.machine.RunFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code run --keep}: after the verdict the VM stays up for a person, with its own QMP monitor (a
 * second one, a server QEMU listens on: the harness's own monitor is a socket QEMU connected to)
 * and the serial console relayed by a {@link ConsoleBridge}. It lives until stdin ends (Ctrl-D, or
 * a closed pipe), Ctrl-C, or QEMU exits; this wait is deliberately unbounded, a person ends it. The
 * sockets live in a private run folder that is removed afterwards (and swept if the JVM dies).
 */
final class KeepSession implements AutoCloseable {
  private final RunFolder folder;
  private final Thread cleanupOnExit;

  private KeepSession(RunFolder folder) {
    this.folder = folder;
    this.cleanupOnExit = new Thread(folder::close, "keep-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
  }

  /** A folder under {@code runDir} ({@code pvh.run.dir}) for the kept machine's sockets. */
  static KeepSession create(java.nio.file.Path runDir) {
    return new KeepSession(RunFolder.create(runDir));
  }

  Path qmpSocket() {
    return folder.resolve("qmp-user.sock");
  }

  Path consoleSocket() {
    return folder.resolve("console-user.sock");
  }

  /** The second QMP monitor, which QEMU serves and a person connects to. */
  List<String> qemuArgs() {
    return List.of(
        "-chardev",
        "socket,id=qmp-user,path=" + qmpSocket() + ",server=on,wait=off",
        "-mon",
        "chardev=qmp-user,mode=control");
  }

  /** Keeps {@code machine} up for a person until they end it. */
  void hold(CellResult result, QemuMachine machine, Terminal terminal) {
    PrintStream out = terminal.out();
    if (!machine.isAlive()) {
      out.println(
          "== --keep: QEMU has already exited (code "
              + machine.exitCode().map(String::valueOf).orElse("?")
              + "): there is no VM to keep");
      return;
    }
    try (ConsoleBridge bridge = ConsoleBridge.open(machine.console(), consoleSocket())) {
      out.println("== --keep: the VM stays up (QEMU pid " + machine.pid() + ", " + status(machine));
      out.println("   QMP:     socat - UNIX-CONNECT:" + qmpSocket());
      out.println("            (send {\"execute\":\"qmp_capabilities\"} first)");
      out.println("   console: socat -,raw,echo=0 UNIX-CONNECT:" + consoleSocket());
      out.println("            (line by line: a prompt shows once its line is complete)");
      out.println("   Ctrl-C, or end stdin (Ctrl-D), stops the VM and cleans up.");
      out.flush();
      CompletableFuture.anyOf(endOf(terminal.in()), machine.onExit()).join();
      out.println(
          machine.isAlive()
              ? "== stopping the VM"
              : "== QEMU exited (code "
                  + machine.exitCode().map(String::valueOf).orElse("?")
                  + ")");
    }
  }

  private static String status(QemuMachine machine) {
    try {
      JsonNode s = machine.qmp().execute("query-status");
      return "status " + s.path("status").asText() + ")";
    } catch (RuntimeException e) {
      return "status unknown: " + e.getMessage() + ")";
    }
  }

  /** Completes when {@code in} ends; the reader is a daemon so it never holds the JVM. */
  private static CompletableFuture<Void> endOf(InputStream in) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[256];
              try {
                while (in.read(buf) >= 0) {
                  // a person's keystrokes here mean nothing; only the end counts
                }
              } catch (IOException e) {
                // a broken stdin ends the session like a closed one
              }
              ended.complete(null);
            },
            "keep-stdin");
    reader.setDaemon(true);
    reader.start();
    return ended;
  }

  @Override
  public void close() {
    folder.close();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }
}
