package dev.pvpanic.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.junit.Prerequisite;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * {@code pvpanic run} on a real guest: a smoke cell gets the verdict the matrix test requires of it
 * (PASS), and {@code --keep} leaves a VM a person can reach on the printed QMP socket, then cleans
 * up everything when stdin ends.
 */
class RunCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void qemu() {
    Prerequisite.QEMU_X86_64.require(
        QemuVersionProbe.version(QemuBuild.host(dev.pvpanic.harness.machine.Architecture.X86_64))
            .isPresent(),
        "it did not run");
  }

  private static Path artifacts(String name) {
    return Path.of(System.getProperty("pvh.build.dir", "target"), "cli-run", name);
  }

  @Test
  void aSmokeCellPassesAsInTheMatrix() throws Exception {
    Path out = artifacts("seed-no-kdump");
    CliRun r =
        CliRun.with(
            TestSettings.jvm(),
            "run",
            "--config",
            "guest-configs/smoke.yaml",
            "--cell",
            "seed-no-kdump",
            "--out",
            out.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("== verdict: PASS"), r.out());
    assertTrue(r.out().contains("PVH READY"), "the console streams to the terminal:\n" + r.out());
    assertTrue(r.out().contains("-- seed-no-kdump: x86_64-6.12 pci"), "phases show:\n" + r.out());
    assertTrue(r.out().contains("== artifacts: " + out.toAbsolutePath()), r.out());
    JsonNode cell = JSON.readTree(out.resolve("cell.json").toFile());
    assertEquals("PASS", cell.path("verdict").asText());
    assertTrue(Files.size(out.resolve("console.log")) > 0);
  }

  @Test
  void aGuestThatResetsInALoopWhileBootingSaysSoNotSilentGuest() throws Exception {
    // 64 MiB cannot hold crashkernel=192M: the kernel fails before its console and x86 resets in
    // a loop (2,547 RESETs in 150 s, once reported as "a silent guest")
    Path out = artifacts("reset-loop-boot");
    CliRun r =
        CliRun.with(
            TestSettings.jvm(),
            "run",
            "--recipe",
            "x86_64-6.12",
            "--kdump",
            "--qemu-arg=-m",
            "--qemu-arg=64",
            "--out",
            out.toString());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.out().contains("== verdict: WRONG_GUEST_STATE"), r.out());
    assertTrue(r.out().contains("a reset loop while booting"), r.out());
    assertFalse(r.out().contains("silent guest"), r.out());
  }

  @Test
  void keepLeavesAVmReachableOnThePrintedQmpSocket() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    PipedOutputStream stdin = new PipedOutputStream();
    Terminal terminal = new Terminal(new PipedInputStream(stdin), out, out);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                Main.commandLine(terminal, TestSettings.jvm())
                    .execute(
                        "run",
                        "--keep",
                        "--quiet",
                        "--recipe",
                        "x86_64-6.12",
                        "--action",
                        "panic=none",
                        "--out",
                        artifacts("keep").toString()));
    Pattern qmpLine = Pattern.compile("QMP: +socat - UNIX-CONNECT:(\\S+)");
    Pattern pidLine = Pattern.compile("QEMU pid (\\d+)");
    Awaitility.await("the printed QMP socket")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofMillis(200))
        .failFast("run ended before keeping the VM", exit::isDone)
        .until(() -> qmpLine.matcher(text(buffer)).find());
    String printed = text(buffer);
    assertTrue(printed.contains("== verdict: PASS"), printed);
    Matcher qm = qmpLine.matcher(printed);
    assertTrue(qm.find());
    Path qmpSocket = Path.of(qm.group(1));
    Matcher pm = pidLine.matcher(printed);
    assertTrue(pm.find(), printed);
    long pid = Long.parseLong(pm.group(1));

    try (Socket s = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(qmpSocket))) {
      s.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream w = s.getOutputStream();
      assertTrue(in.readLine().contains("\"QMP\""), "a QMP greeting");
      w.write("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
      assertTrue(in.readLine().contains("\"return\""));
      w.write("{\"execute\":\"query-status\",\"id\":7}\n".getBytes(StandardCharsets.UTF_8));
      JsonNode status = JSON.readTree(in.readLine());
      assertEquals("running", status.path("return").path("status").asText(), status.toString());
    }

    stdin.close(); // a person's Ctrl-D
    assertEquals(0, exit.get(60, TimeUnit.SECONDS), text(buffer));
    assertTrue(text(buffer).contains("== stopping the VM"), text(buffer));
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU " + pid + " lives");
    assertFalse(Files.exists(qmpSocket.getParent()), "the keep folder is left: " + qmpSocket);
  }

  private static String text(ByteArrayOutputStream buffer) {
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
