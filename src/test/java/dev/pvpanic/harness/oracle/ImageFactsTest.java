package dev.pvpanic.harness.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which pvpanic drivers an image brings, from its manifest alone. */
class ImageFactsTest {

  @Test
  void from513TheCoreModuleHoldsNoDriver() {
    ImageFacts f =
        ImageFacts.fromManifest(
            "6.12.95+deb12-arm64", "out-of-tree", List.of("pvpanic", "pvpanic-pci"), Map.of());
    assertEquals(new Derived.Known<>(Set.of(PvpanicDriver.PVPANIC_PCI)), f.drivers());
  }

  @Test
  void before511OnePvpanicModuleIsTheAcpiDriver() {
    ImageFacts f =
        ImageFacts.fromManifest("5.10.0-33-amd64", "module", List.of("pvpanic"), Map.of());
    assertEquals(new Derived.Known<>(Set.of(PvpanicDriver.PVPANIC)), f.drivers());
  }

  @Test
  void noDriverIsKnownToBeNone() {
    ImageFacts f = ImageFacts.fromManifest("6.12.95+deb12-arm64", "none", List.of(), Map.of());
    assertEquals(new Derived.Known<>(Set.of()), f.drivers());
  }

  @Test
  void aKernelWithoutReleaseOrConfigIsUnknown() {
    ImageFacts local = ImageFacts.fromManifest("local", "unknown", List.of(), Map.of());
    assertInstanceOf(Derived.Unknown.class, local.kernel());
    assertInstanceOf(Derived.Unknown.class, local.drivers());
    ImageFacts noConfig = ImageFacts.fromManifest("6.12.0", "unknown", List.of(), Map.of());
    assertInstanceOf(Derived.Unknown.class, noConfig.drivers());
  }
}
