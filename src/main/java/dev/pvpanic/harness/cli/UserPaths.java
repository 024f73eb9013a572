package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Settings;
import java.nio.file.Path;

/**
 * Paths a person types, resolved against the folder they typed them in. The ci/pvpanic wrapper
 * changes to the checkout (recipes, the lock file and the guest's init are found relative to it)
 * and passes the caller's folder in {@code PVH_USER_DIR}.
 */
final class UserPaths {
  private UserPaths() {}

  static Path resolve(String typed) {
    return Settings.system().userPath(typed);
  }
}
