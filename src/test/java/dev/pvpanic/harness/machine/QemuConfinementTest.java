package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.pvpanic.harness.qmp.QemuIntrospection;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The arguments that confine a QEMU, per what its build says about itself: the {@code sandbox} and
 * {@code run-with} entries of {@code query-command-line-options} as Debian's 5.2, 7.2, 10.0 and
 * 11.1 answer it (recorded; the other options left out), and who runs the harness.
 */
class QemuConfinementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SANDBOX_OPTION =
      "{\"option\": \"sandbox\", \"parameters\": [{\"name\": \"resourcecontrol\"}, {\"name\":"
          + " \"spawn\"}, {\"name\": \"elevateprivileges\"}, {\"name\": \"obsolete\"}, {\"name\":"
          + " \"enable\", \"type\": \"boolean\"}]}";

  /** 5.2 and 7.2: a sandbox, no run-with ({@code -runas} is a plain flag, never listed). */
  static final String QEMU_72 = "[" + SANDBOX_OPTION + "]";

  /** 10.0: run-with has user. */
  static final String QEMU_10 =
      "["
          + SANDBOX_OPTION
          + ", {\"option\": \"run-with\", \"parameters\": [{\"name\": \"user\"}, {\"name\":"
          + " \"chroot\"}, {\"name\": \"async-teardown\"}]}]";

  /** 11.1: run-with also has exit-with-parent. */
  static final String QEMU_11 =
      "["
          + SANDBOX_OPTION
          + ", {\"option\": \"run-with\", \"parameters\": [{\"name\": \"user\"}, {\"name\":"
          + " \"exit-with-parent\"}, {\"name\": \"chroot\"}, {\"name\": \"async-teardown\"}]}]";

  /** A build configured with --disable-seccomp and without run-with (8.0-like). */
  static final String NO_SECCOMP = "[{\"option\": \"chroot\", \"parameters\": []}]";

  private static final QemuAccount PVH_QEMU = new QemuAccount("pvh-qemu", 990, 985);

  static QemuIntrospection build(String commandLineOptions) {
    try {
      JsonNode empty = JsonNodeFactory.instance.arrayNode();
      return QemuIntrospection.parse(
          QemuVersion.of(7, 2, 0), empty, Map.of(), empty, JSON.readTree(commandLineOptions));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static QemuConfinement asRoot(String options) {
    return QemuConfinement.decide(
        "b", Optional.of(build(options)), 0, Optional.of(PVH_QEMU), List.of("pvh-qemu", "nobody"));
  }

  @Test
  void rootOn72GetsTheSandboxAndRunasWithTheNumericAccount() {
    QemuConfinement c = asRoot(QEMU_72);
    assertEquals(
        List.of("-sandbox", QemuConfinement.SANDBOX_DROPPING, "-runas", "990:985"), c.qemuArgs());
    assertTrue(c.confined(), c.warnings().toString());
  }

  @Test
  void rootOn10And11GetsRunWithUser() {
    for (String options : List.of(QEMU_10, QEMU_11)) {
      assertEquals(
          List.of("-sandbox", QemuConfinement.SANDBOX_DROPPING, "-run-with", "user=990:985"),
          asRoot(options).qemuArgs());
    }
  }

  @Test
  void aQemuThatDropsItselfMayCallSetuidAndTheRecordSaysWhy() {
    QemuConfinement c = asRoot(QEMU_11);
    assertTrue(c.sandbox().orElseThrow().contains("elevateprivileges=allow"));
    assertTrue(
        c.notes().stream().anyMatch(n -> n.contains("elevateprivileges=allow")),
        c.notes().toString());
  }

  @Test
  void anUnprivilegedHarnessGetsLibvirtsFullSandboxAndNoDrop() {
    QemuConfinement c =
        QemuConfinement.decide(
            "b", Optional.of(build(QEMU_11)), 1000, Optional.of(PVH_QEMU), List.of("pvh-qemu"));
    assertEquals(
        List.of(
            "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"),
        c.qemuArgs());
    assertTrue(c.confined());
  }

  @Test
  void aBuildWithoutSeccompRunsWithAWarningButStillDrops() {
    QemuConfinement c = asRoot(NO_SECCOMP);
    assertEquals(List.of("-runas", "990:985"), c.qemuArgs());
    assertFalse(c.confined());
    assertTrue(c.warnings().get(0).contains("without seccomp"), c.warnings().toString());
  }

  @Test
  void rootWithNoAccountToDropToWarns() {
    QemuConfinement c =
        QemuConfinement.decide(
            "b", Optional.of(build(QEMU_72)), 0, Optional.empty(), List.of("pvh-qemu", "nobody"));
    assertEquals(List.of("-sandbox", QemuConfinement.SANDBOX), c.qemuArgs());
    assertTrue(c.warnings().get(0).contains("runs as root"), c.warnings().toString());
  }

  @Test
  void aBuildThatCouldNotBeAskedRunsUnconfinedSayingSo() {
    QemuConfinement c =
        QemuConfinement.decide("x", Optional.empty(), 0, Optional.of(PVH_QEMU), List.of());
    assertEquals(List.of(), c.qemuArgs());
    assertTrue(c.warnings().get(0).contains("did not answer introspection"));
  }

  @Test
  void theConfinementComesRightAfterTheBinaryAndStaysOutOfTheMachineDescription() {
    MachineSpec spec = MachineSpec.builder(Architecture.X86_64).build();
    Path qmp = Path.of("/tmp/pvh-1-a-1/qmp.sock");
    Path con = Path.of("/tmp/pvh-1-a-1/console.sock");
    List<String> confined = QemuCommandLine.argv(spec, qmp, con, Accelerator.TCG, asRoot(QEMU_72));
    assertEquals("-sandbox", confined.get(1));
    assertFalse(
        QemuCommandLine.argv(spec, qmp, con, Accelerator.TCG).contains("-sandbox"),
        "a snapshot's key does not depend on how its QEMU was confined");
  }

  @Test
  void whatProcSaysIsCheckedAgainstWhatWasAsked() {
    QemuConfinement c = asRoot(QEMU_72);
    assertEquals(
        Optional.empty(), c.mismatch(new ProcessConfinement(42, 990, 990, 985, 2, true, 0)));
    String notDropped = c.mismatch(new ProcessConfinement(42, 0, 0, 0, 2, true, -1L)).orElseThrow();
    assertTrue(notDropped.contains("runs as uid 0/0"), notDropped);
    String noFilter =
        c.mismatch(new ProcessConfinement(42, 990, 990, 985, 0, false, 0)).orElseThrow();
    assertTrue(noFilter.contains("Seccomp is 0"), noFilter);
  }

  @Test
  void procStatusIsParsed() {
    String status =
        "Name:\tqemu-system-x86\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t4242\n"
            + "Uid:\t990\t990\t990\t990\nGid:\t985\t985\t985\t985\nGroups:\t985 \n"
            + "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
            + "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t1\n";
    ProcessConfinement p = ProcessConfinement.parse(4242, status);
    assertEquals(new ProcessConfinement(4242, 990, 990, 985, 2, true, 0), p);
    assertEquals(
        "uid 990 gid 985, seccomp 2 (filter), no_new_privs, no capabilities", p.describe());
    ProcessConfinement root =
        ProcessConfinement.parse(
            1, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\nSeccomp:\t0\n");
    assertEquals(0x1ffffffffffL, root.effectiveCapabilities());
    assertFalse(root.filtered());
    assertFalse(root.noNewPrivs());
    assertEquals(-1, ProcessConfinement.parse(1, "Uid:\t5\t5\t5\t5\nGid:\t5\t5\t5\t5\n").seccomp());
    assertThrows(IllegalArgumentException.class, () -> ProcessConfinement.parse(1, "Name:\tx\n"));
  }

  @Test
  void thisJvmCanReadItsOwnStatus() {
    assertEquals(ProcessHandle.current().pid(), ProcessConfinement.self().pid());
  }

  @Test
  void theAccountIsTheFirstOfTheNamesThatExistAndNeverRoot() {
    String passwd =
        "root:x:0:0:root:/root:/bin/bash\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            + "pvh-qemu:x:990:985::/nonexistent:/usr/sbin/nologin\n";
    assertEquals(Optional.of(PVH_QEMU), QemuAccount.find(List.of("pvh-qemu", "nobody"), passwd));
    assertEquals(
        "nobody (65534:65534)",
        QemuAccount.find(List.of("qemu", "nobody"), passwd).orElseThrow().toString());
    assertEquals(Optional.empty(), QemuAccount.find(List.of("root"), passwd));
  }
}
