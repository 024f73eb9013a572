package dev.pvpanic.harness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pvpanic.harness.machine.PvpanicDevice;
import dev.pvpanic.harness.qmp.QemuIntrospection;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * What a QEMU build can do, read from its own introspection: recorded replies of Debian's QEMU 7.2
 * and 10.0 (src/test/resources/qemu-introspection, query-qmp-schema, device-list-properties of both
 * pvpanic devices, query-machines), and made-up development builds derived from them.
 */
class QemuCapabilitiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode recorded(String name) {
    try (InputStream in =
        QemuCapabilitiesTest.class.getResourceAsStream(
            "/qemu-introspection/" + name + ".json.gz")) {
      return JSON.readTree(new GZIPInputStream(in));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static QemuIntrospection introspection(JsonNode rec, QemuVersion version) {
    Map<String, Optional<JsonNode>> devices = new LinkedHashMap<>();
    rec.path("device-list-properties")
        .fields()
        .forEachRemaining(
            e ->
                devices.put(
                    e.getKey(),
                    e.getValue().isNull() ? Optional.empty() : Optional.of(e.getValue())));
    return QemuIntrospection.parse(
        version, rec.path("query-qmp-schema"), devices, rec.path("query-machines"));
  }

  static QemuVersion version(JsonNode rec) {
    JsonNode v = rec.path("greeting").path("QMP").path("version");
    return new QemuVersion(
        v.path("qemu").path("major").asInt(),
        v.path("qemu").path("minor").asInt(),
        v.path("qemu").path("micro").asInt(),
        v.path("package").asText());
  }

  private static QemuCapabilities of(String name) {
    JsonNode rec = recorded(name);
    return QemuCapabilities.from(introspection(rec, version(rec)));
  }

  @Test
  void theFileMigrationTransportIsFoundThroughMigratesMaskedSchemaTypes() {
    JsonNode q72 = recorded("qemu-7.2");
    JsonNode q10 = recorded("qemu-10.0");
    assertFalse(introspection(q72, version(q72)).migrationFileTransport(), "7.2 has no file:");
    assertTrue(introspection(q10, version(q10)).migrationFileTransport(), "10.0 has file:");
  }

  @Test
  void qemu72() {
    QemuCapabilities q = of("qemu-7.2");
    assertEquals(0, QemuVersion.of(7, 2, 22).compareTo(q.version()), q.version().toString());
    assertTrue(q.actionOption());
    assertTrue(q.exitFailure());
    assertTrue(q.pvpanicPci());
    assertTrue(q.crashLoadedEvent());
    assertTrue(q.isaEventsProperty());
    assertFalse(q.pvShutdown(), "no GUEST_PVSHUTDOWN in 7.2's schema");
    assertTrue(q.eventReasons());
    assertEquals(3, q.advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), Optional.empty()));
    assertEquals(3, q.advertisedEvents(PvpanicDevice.Kind.ISA, Optional.empty(), Optional.empty()));
    assertEquals(Optional.of(true), q.hasMachineType("pc-q35-5.1"));
    assertEquals(Optional.of(false), q.hasMachineType("pc-q35-10.0"));
    // set-action's watchdog member: -action watchdog= and every WatchdogAction value
    assertEquals(
        java.util.Set.of("reset", "shutdown", "poweroff", "pause", "debug", "none", "inject-nmi"),
        q.watchdogActions());
    assertEquals(1, q.notes().size(), "introspection and version rules agree: " + q.notes());
  }

  @Test
  void qemu100() {
    QemuCapabilities q = of("qemu-10.0");
    assertEquals(10, q.version().major());
    assertTrue(q.pvShutdown(), "GUEST_PVSHUTDOWN is in 10.0's schema");
    assertEquals(7, q.advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), Optional.empty()));
    // hw_compat_5_1 still masks the ISA device of an old machine type: a version rule
    assertEquals(
        1,
        q.advertisedEvents(
            PvpanicDevice.Kind.ISA, Optional.empty(), Optional.of(new MachineType("pc-q35-5.1"))));
    assertEquals(Optional.of(true), q.hasMachineType("pc-q35-10.0"));
    assertEquals(1, q.notes().size(), q.notes().toString());
  }

  /** qemu-system-aarch64 and -riscv64 have no ISA device: nothing to say about its rules. */
  @Test
  void aBuildWithoutTheIsaDeviceMakesNoNoteAboutIt() {
    JsonNode rec = recorded("qemu-7.2").deepCopy();
    ((ObjectNode) rec.path("device-list-properties")).putNull("pvpanic");
    QemuCapabilities q = QemuCapabilities.from(introspection(rec, version(rec)));
    assertTrue(q.pvpanicPci());
    assertFalse(q.isaEventsProperty());
    assertEquals(3, q.advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), Optional.empty()));
    assertEquals(1, q.notes().size(), q.notes().toString());
  }

  /** A development build after 10.2 whose pvpanic-pci advertises a made-up fourth bit. */
  @Test
  void development10250GoesByTheBuildAndSaysWhereTheRulesDisagree() {
    JsonNode rec = recorded("qemu-10.0").deepCopy();
    for (JsonNode p : rec.path("device-list-properties").path("pvpanic-pci")) {
      if (p.path("name").asText().equals("events")) {
        ((ObjectNode) p).put("default-value", 0xf);
      }
    }
    QemuCapabilities q = QemuCapabilities.from(introspection(rec, QemuVersion.of(10, 2, 50)));
    assertTrue(q.version().development());
    assertEquals(
        0xf, q.advertisedEvents(PvpanicDevice.Kind.PCI, Optional.empty(), Optional.empty()));
    assertTrue(q.notes().get(0).contains("counts as 10.2.0"), q.notes().toString());
    assertTrue(
        q.notes().stream().anyMatch(n -> n.contains("pvpanic-pci events default is 0xf")),
        q.notes().toString());
    // and a Linux 6.12 driver keeps the bits it knows
    GuestExpectation g =
        GuestExpectation.derive(
            Cells.x86(PvpanicDevice.Kind.PCI),
            ImageFacts.of(Cells.kernel("6.12.0"), "module", PvpanicDriver.PVPANIC_PCI),
            q,
            new GuestReport(
                "6.12.0",
                PvpanicDriver.NONE,
                java.util.OptionalInt.empty(),
                java.util.OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    assertEquals(java.util.OptionalInt.of(7), g.capability());
  }

  /**
   * A release candidate of 11.1 whose schema lost exit-failure: introspection wins, and says so.
   */
  @Test
  void releaseCandidate11090CountsAsTheNextRelease() {
    JsonNode rec = recorded("qemu-10.0").deepCopy();
    ArrayNode schema = (ArrayNode) rec.path("query-qmp-schema");
    for (JsonNode entity : schema) {
      if (entity.path("meta-type").asText().equals("enum")) {
        removeValue(entity, "exit-failure");
      }
    }
    QemuVersion rc = QemuVersion.of(11, 0, 90);
    assertTrue(rc.atLeast(11, 1), "11.0.90 is a release candidate of 11.1");
    QemuCapabilities q = QemuCapabilities.from(introspection(rec, rc));
    assertFalse(q.exitFailure());
    assertTrue(
        q.notes().stream().anyMatch(n -> n.contains("lacks panic=exit-failure")),
        q.notes().toString());
    CellSetup exitFailure =
        Cells.x86(PvpanicDevice.Kind.PCI)
            .withActions(PanicAction.EXIT_FAILURE, ShutdownAction.DEFAULT);
    assertFalse(Oracle.applicability(exitFailure, q).applicable());
  }

  private static void removeValue(JsonNode enumEntity, String value) {
    ArrayNode values = (ArrayNode) enumEntity.path("values");
    for (int i = values.size() - 1; i >= 0; i--) {
      if (values.get(i).asText().equals(value)) {
        values.remove(i);
      }
    }
    if (enumEntity.path("members").isArray()) {
      ArrayNode members = (ArrayNode) enumEntity.path("members");
      for (int i = members.size() - 1; i >= 0; i--) {
        if (members.get(i).path("name").asText().equals(value)) {
          members.remove(i);
        }
      }
    }
  }

  @Test
  void versionRulesAloneForABuildThatWasNotAsked() {
    QemuCapabilities q = QemuCapabilities.of(QemuVersion.of(5, 2, 0));
    assertFalse(q.actionOption());
    assertFalse(q.pvpanicPci());
    assertTrue(q.isaEventsProperty());
    assertEquals(Optional.empty(), q.hasMachineType("pc-q35-5.2"));
    assertTrue(q.notes().get(0).contains("version rules"));
  }
}
