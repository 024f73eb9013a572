package dev.pvpanic.harness.image.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelPackagesTest {
  private static final String VERSION = "6.12.95-1~bpo12+1";

  @Test
  void namesTheBackportsPackagesOfAnArm64Kernel() {
    KernelPackages p = KernelPackages.forRelease("6.12.95+deb12-arm64", VERSION);

    assertEquals("6.12.95+deb12", p.abi());
    assertEquals("arm64", p.flavour());
    assertEquals(KernelArch.ARM64, p.arch());
    assertEquals(
        List.of(
            new PackageRef("linux-headers-6.12.95+deb12-arm64", VERSION),
            new PackageRef("linux-headers-6.12.95+deb12-common", VERSION),
            new PackageRef("linux-kbuild-6.12.95+deb12", VERSION)),
        p.buildTree());
    assertEquals(new PackageRef("linux-source-6.12", VERSION), p.sourcePackage());
  }

  @Test
  void aCloudFlavourSharesTheCommonHeaders() {
    KernelPackages p = KernelPackages.forRelease("6.12.95+deb12-cloud-arm64", VERSION);

    assertEquals("cloud-arm64", p.flavour());
    assertEquals(KernelArch.ARM64, p.arch());
    assertEquals("linux-headers-6.12.95+deb12-cloud-arm64", p.headers());
    assertEquals("linux-headers-6.12.95+deb12-common", p.headersCommon());
  }

  @Test
  void realtimeFlavoursHaveTheirOwnCommonHeaders() {
    assertEquals(
        "linux-headers-6.12.95+deb12-common-rt",
        KernelPackages.forRelease("6.12.95+deb12-rt-arm64", VERSION).headersCommon());
  }

  @Test
  void olderKernelsHaveAnAbiNumberAndKbuildByMajorMinor() {
    KernelPackages p = KernelPackages.forRelease("6.1.0-37-arm64", "6.1.140-1");

    assertEquals("6.1.0-37", p.abi());
    assertEquals("linux-headers-6.1.0-37-common", p.headersCommon());
    assertEquals("linux-kbuild-6.1", p.kbuild());
    assertEquals("linux-source-6.1", p.source());
  }

  @Test
  void anAmd64FlavourIsX86() {
    assertEquals(
        KernelArch.X86_64, KernelPackages.forRelease("6.12.95+deb12-amd64", VERSION).arch());
  }

  @Test
  void refusesAReleaseWithoutFlavour() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KernelPackages.forRelease("6.12.95", VERSION));
    assertTrue(e.getMessage().contains("'6.12.95'"), e.getMessage());
    assertTrue(e.getMessage().contains("6.12.95+deb12-arm64"), e.getMessage());
  }

  @Test
  void refusesAMissingVersion() {
    assertThrows(
        IllegalArgumentException.class,
        () -> KernelPackages.forRelease("6.12.95+deb12-arm64", " "));
  }
}
