package dev.pvpanic.harness.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ScenarioAndRecipeTest {

  @Test
  void labelShowsOnlyWhatDiffersFromTheDefaults() {
    assertEquals(
        "pci · kdump+cmdline · panic=none",
        new Scenario(
                Map.of(
                    "recipe", "x86_64-6.12",
                    "kdump", "yes",
                    "post_notifiers", "cmdline",
                    "device", "pci",
                    "events", "default",
                    "panic", "none",
                    "shutdown", "default",
                    "trigger", "sysrq-c",
                    "qemu", "host"))
            .label());
    assertEquals(
        "no device · no-kdump · shutdown=pause · poweroff · acpi=off · machine=pc-q35-5.1"
            + " · accel=kvm · extra=1",
        new Scenario(
                Map.of(
                    "device", "none",
                    "shutdown", "pause",
                    "trigger", "poweroff",
                    "acpi", "off",
                    "machine_type", "pc-q35-5.1",
                    "accelerator", "kvm",
                    "qemu", "v9",
                    "extra", "1"))
            .label());
    assertEquals(
        "isa events=1 · no-kdump+runtime",
        scenario("device=isa", "events=1", "post_notifiers=runtime").label());
  }

  @Test
  void aDefaultSpelledOutAndOneLeftAwayAreTheSameColumn() {
    assertEquals(scenario("panic=none"), scenario("panic=none", "shutdown=default", "acpi=on"));
  }

  @Test
  void columnsSortDeviceFirstThenKdumpThenActions() {
    List<String> sorted =
        Stream.of(
                scenario("device=none"),
                scenario("device=isa"),
                scenario("kdump=yes", "post_notifiers=runtime"),
                scenario("kdump=yes"),
                scenario("panic=exit-failure"),
                scenario("panic=pause"),
                scenario())
            .sorted()
            .map(Scenario::label)
            .toList();
    assertEquals(
        List.of(
            "pci · no-kdump",
            "pci · no-kdump · panic=pause",
            "pci · no-kdump · panic=exit-failure",
            "pci · kdump",
            "pci · kdump+runtime",
            "isa · no-kdump",
            "no device · no-kdump"),
        sorted);
  }

  @Test
  void recipesSortByArchThenKernelVersionAsNumbers() {
    List<String> sorted =
        Stream.of(
                "aarch64-7.x",
                "x86_64-6.12",
                "riscv64-6.1",
                "x86_64-6.1",
                "aarch64-6.12-bpo",
                "x86_64-5.10",
                "aarch64-6.12",
                "x86_64-7.x")
            .map(Recipe::parse)
            .sorted()
            .map(Recipe::name)
            .toList();
    assertEquals(
        List.of(
            "x86_64-5.10",
            "x86_64-6.1",
            "x86_64-6.12",
            "x86_64-7.x",
            "aarch64-6.12",
            "aarch64-6.12-bpo",
            "aarch64-7.x",
            "riscv64-6.1"),
        sorted);
    Recipe r = Recipe.parse("aarch64-6.12-bpo");
    assertEquals("aarch64", r.arch());
    assertEquals("6.12-bpo", r.kernel());
    assertTrue(Recipe.compareNatural("6.9", "6.10") < 0);
  }

  private static Scenario scenario(String... keyValues) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String kv : keyValues) {
      String[] p = kv.split("=", 2);
      m.put(p[0], p[1]);
    }
    return new Scenario(m);
  }
}
