package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pvpanic.harness.oracle.Derived;
import dev.pvpanic.harness.oracle.ImageFacts;
import dev.pvpanic.harness.oracle.KernelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kernel config a manifest records becomes the oracle's facts; a user's kernel says so. */
class ManifestConfigFactsTest {
  private static Map<String, Object> manifest(String source, Map<String, String> config) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("kernelRelease", "6.12.107+deb13-amd64");
    m.put("driver", "module");
    m.put("modules", List.of("pvpanic", "pvpanic-mmio", "pvpanic-pci"));
    m.put("driverDetails", Map.of("CONFIG_PVPANIC", "y"));
    m.put("kernelSource", source);
    if (config != null) {
      m.put("kernelConfig", config);
    }
    return m;
  }

  @Test
  void aRecordedConfigIsKnownAndADebIsAUsersKernel() {
    ImageFacts f =
        PvpanicModules.imageFacts(
            manifest("deb", Map.of("CONFIG_PANIC_TIMEOUT", "10", "CONFIG_PVPANIC_PCI", "m")));
    Derived.Known<KernelConfig> config = assertInstanceOf(Derived.Known.class, f.config());
    assertEquals(KernelConfig.Tristate.M, config.value().tristate("CONFIG_PVPANIC_PCI"));
    assertEquals(Derived.known(10L), f.panicTimeout());
    assertTrue(f.driverExpected());
  }

  @Test
  void aRecipesImageIsNoUsersKernelAndAnOldManifestHasNoConfig() {
    ImageFacts f = PvpanicModules.imageFacts(manifest("debian", null));
    assertInstanceOf(Derived.Unknown.class, f.config());
    assertFalse(f.driverExpected());
  }
}
