package dev.pvpanic.harness.machine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pvpanic.harness.qmp.QemuIntrospection;
import dev.pvpanic.harness.qmp.QmpClient;
import dev.pvpanic.harness.qmp.QmpErrorException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a QEMU build what it can do: starts it once with no guest ({@code -machine none -S}), reads
 * {@code query-qmp-schema}, {@code device-list-properties} of the pvpanic devices, {@code
 * query-machines} and {@code query-command-line-options}, and stops it. The probe runs no guest and
 * is the one QEMU started unconfined: its confinement is what it is asked about. One probe per
 * build and architecture per JVM.
 */
public final class QemuIntrospector {
  private static final Logger LOG = LoggerFactory.getLogger(QemuIntrospector.class);
  private static final Map<String, Optional<QemuIntrospection>> CACHE = new ConcurrentHashMap<>();

  private QemuIntrospector() {}

  /** What the build says about itself, or empty when it could not be started or asked. */
  public static Optional<QemuIntrospection> introspect(QemuBuild build, Architecture arch) {
    return CACHE.computeIfAbsent(key(build, arch), k -> probe(build, arch));
  }

  private static String key(QemuBuild build, Architecture arch) {
    return arch + "|" + build;
  }

  private static Optional<QemuIntrospection> probe(QemuBuild build, Architecture arch) {
    MachineSpec spec =
        MachineSpec.builder(arch)
            .name("introspect")
            .qemu(build)
            .accelerator(Accelerator.TCG)
            .machineType("none")
            .extraArgs(List.of("-S"))
            .confine(false)
            .build();
    try (QemuMachine machine = QemuMachine.launch(spec)) {
      return Optional.of(read(machine.qmp()));
    } catch (RuntimeException e) {
      LOG.debug("introspecting {} for {} failed: {}", build.label(), arch, e.toString());
      return Optional.empty();
    }
  }

  /** The introspection replies of a running QEMU. */
  public static QemuIntrospection read(QmpClient qmp) {
    JsonNode schema = qmp.execute("query-qmp-schema");
    Map<String, Optional<JsonNode>> devices = new LinkedHashMap<>();
    for (String type : QemuIntrospection.PROBED_DEVICES) {
      try {
        devices.put(
            type, Optional.of(qmp.execute("device-list-properties", Map.of("typename", type))));
      } catch (QmpErrorException e) {
        devices.put(type, Optional.empty()); // "Device 'pvpanic-pci' not found"
      }
    }
    JsonNode machines = qmp.execute("query-machines");
    JsonNode options = qmp.execute("query-command-line-options");
    return QemuIntrospection.parse(qmp.version(), schema, devices, machines, options);
  }
}
