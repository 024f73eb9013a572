package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.machine.Architecture;
import dev.pvpanic.harness.machine.QemuBuild;
import dev.pvpanic.harness.machine.QemuIntrospector;
import dev.pvpanic.harness.machine.QemuVersionProbe;
import dev.pvpanic.harness.oracle.QemuCapabilities;
import dev.pvpanic.harness.qmp.QemuVersion;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a QEMU build can do, for the oracle: from the build's own introspection, and from version
 * rules alone only when the build could not be asked. The planner and the cell use the same.
 */
public final class BuildCapabilities {
  private static final Logger LOG = LoggerFactory.getLogger(BuildCapabilities.class);

  private BuildCapabilities() {}

  /**
   * The capabilities of {@code build}, or empty when it neither answers QMP nor says its version.
   */
  public static Optional<QemuCapabilities> of(QemuBuild build, Architecture arch) {
    Optional<QemuCapabilities> asked =
        QemuIntrospector.introspect(build, arch).map(QemuCapabilities::from);
    if (asked.isPresent()) {
      return asked;
    }
    LOG.debug("QEMU build {} did not answer introspection: version rules only", build.label());
    return QemuVersionProbe.version(build).map(QemuCapabilities::of);
  }

  /**
   * As {@link #of}, falling back on the version a running machine reported over QMP: an
   * observation, which the capabilities' notes then say they went by.
   */
  public static QemuCapabilities of(QemuBuild build, Architecture arch, QemuVersion reported) {
    return of(build, arch)
        .orElseGet(
            () ->
                QemuCapabilities.of(reported)
                    .withNote(
                        "the build answered neither introspection nor -version: its version is"
                            + " the one the running QEMU reported over QMP (query-version), an"
                            + " observation"));
  }
}
