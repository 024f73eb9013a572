package dev.pvpanic.harness.matrix;

import dev.pvpanic.harness.Settings;

/**
 * What a guest config may ask for, from the settings of whoever reads it: the largest axes product
 * ({@code pvh.max.cells}) and whether {@code qemu_args} that undo QEMU's confinement are taken
 * ({@code pvh.allow-unconfined}, {@code --allow-unconfined}).
 */
public record ConfigLimits(int maxCells, boolean allowUnconfined) {

  /** The built-in limits: every setting at its default. */
  public static final ConfigLimits DEFAULTS = new ConfigLimits(GuestConfig.MAX_CELLS, false);

  /**
   * The limits of {@code settings}.
   *
   * @throws GuestConfigException when {@code pvh.max.cells} is no positive number
   */
  public static ConfigLimits of(Settings settings) {
    try {
      return new ConfigLimits(settings.maxCells(), settings.allowUnconfined());
    } catch (dev.pvpanic.harness.SettingException e) {
      throw new GuestConfigException(e.getMessage());
    }
  }
}
