package dev.pvpanic.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One precedence for every setting: the property, then the environment, then the default. */
class SettingsTest {

  @Test
  void aPropertyWinsOverTheEnvironmentWhichWinsOverTheDefault() {
    Settings both =
        Settings.of(Map.of("pvh.shard", "1/2"), Map.of("PVH_SHARD", "2/2", "PVH_HOME", "/co"));
    assertEquals(Optional.of("1/2"), both.get(Setting.SHARD));
    assertEquals("-Dpvh.shard", both.source(Setting.SHARD));
    Settings env = Settings.of(Map.of(), Map.of("PVH_SHARD", "2/2"));
    assertEquals(Optional.of("2/2"), env.get(Setting.SHARD));
    assertEquals("$PVH_SHARD", env.source(Setting.SHARD));
    Settings none = Settings.of(Map.of("pvh.shard", " "), Map.of());
    assertEquals(Optional.empty(), none.get(Setting.SHARD), "blank counts as unset");
    assertEquals("default", none.source(Setting.SHARD));
  }

  @Test
  void checkoutPathsComeFromHomeNotTheCurrentFolder() {
    Settings s = Settings.of(Map.of(), Map.of("PVH_HOME", "/co"));
    assertEquals(Path.of("/co/images/recipes"), s.recipes());
    assertEquals(Path.of("/co/images/packages.lock.json"), s.lockFile());
    assertEquals(Path.of("/co/guest-configs/smoke.yaml"), s.config());
    assertEquals(Path.of("/co/target"), s.buildDir());
    assertEquals(
        Path.of("/elsewhere/r"),
        Settings.of(Map.of("pvh.recipes", "/elsewhere/r"), Map.of("PVH_HOME", "/co")).recipes());
  }

  @Test
  void aRecipeFolderOfOnesOwnHasItsOwnLockNotTheCheckouts() {
    Settings own = Settings.of(Map.of(), Map.of("PVH_HOME", "/co", "PVH_RECIPES", "/mine/r"));
    assertEquals(Path.of("/mine/r/packages.lock.json"), own.lockFile());
    Settings same =
        Settings.of(
            Map.of(), Map.of("PVH_HOME", "/co", "PVH_RECIPES", "/co/images/../images/recipes"));
    assertEquals(Path.of("/co/images/packages.lock.json"), same.lockFile(), "the checkout's own");
    Settings explicit =
        Settings.of(
            Map.of("pvh.lock.file", "/l.json"),
            Map.of("PVH_HOME", "/co", "PVH_RECIPES", "/mine/r"));
    assertEquals(Path.of("/l.json"), explicit.lockFile());
  }

  @Test
  void theCacheFolder() {
    Map<String, String> home = Map.of("user.home", "/home/tester");
    assertEquals(
        Path.of("/cache/pvh"),
        Settings.of(home, Map.of("PVH_CACHE_DIR", "/cache/pvh", "XDG_CACHE_HOME", "/xdg"))
            .cacheDir());
    assertEquals(
        Path.of("/xdg/pvpanic-harness"),
        Settings.of(home, Map.of("XDG_CACHE_HOME", "/xdg")).cacheDir());
    assertEquals(
        Path.of("/home/tester/.cache/pvpanic-harness"),
        Settings.of(home, Map.of("XDG_CACHE_HOME", "relative/ignored")).cacheDir());
    assertEquals(
        Path.of("/home/tester/.cache/pvpanic-harness"), Settings.of(home, Map.of()).cacheDir());
  }

  @Test
  void userPathsAreTakenFromTheUsersFolder() {
    Settings s = Settings.of(Map.of(), Map.of("PVH_USER_DIR", "/home/me/work"));
    assertEquals(Path.of("/home/me/work/x.yaml"), s.userPath("x.yaml"));
    assertEquals(Path.of("/abs/x.yaml"), s.userPath("/abs/x.yaml"));
  }

  @Test
  void describeListsEverySettingWithItsSource() {
    String text = Settings.of(Map.of("pvh.cold", "true"), Map.of("PVH_HOME", "/co")).describe();
    for (Setting s : Setting.values()) {
      s.property().ifPresent(p -> assertTrue(text.contains("-D" + p), p));
      s.variable().ifPresent(v -> assertTrue(text.contains("$" + v), v));
    }
    assertTrue(
        text.lines().anyMatch(l -> l.startsWith("-Dpvh.cold / $PVH_COLD") && l.contains("true")));
  }

  @Test
  void theDefaultAcceleratorAndTheProductLimitAreCheckedValues() {
    assertEquals("tcg", Settings.of(Map.of(), Map.of()).accelerator());
    assertEquals("auto", Settings.of(Map.of(), Map.of("PVH_ACCELERATOR", "AUTO")).accelerator());
    SettingException bad =
        org.junit.jupiter.api.Assertions.assertThrows(
            SettingException.class,
            () -> Settings.of(Map.of("pvh.accelerator", "hvf"), Map.of()).accelerator());
    assertEquals(
        "-Dpvh.accelerator=hvf is not an accelerator; valid: tcg, kvm, auto", bad.getMessage());
    assertEquals(100_000, Settings.of(Map.of(), Map.of()).maxCells());
    assertEquals(300_000, Settings.of(Map.of(), Map.of("PVH_MAX_CELLS", "300000")).maxCells());
    org.junit.jupiter.api.Assertions.assertThrows(
        SettingException.class,
        () -> Settings.of(Map.of(), Map.of("PVH_MAX_CELLS", "0")).maxCells());
  }
}
