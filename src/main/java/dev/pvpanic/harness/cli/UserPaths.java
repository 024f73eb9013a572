package dev.pvpanic.harness.cli;

import java.nio.file.Path;

/**
 * Paths a person types, resolved against the folder they typed them in. The ci/pvpanic wrapper
 * changes to the checkout (recipes, the lock file and the guest's init are found relative to it)
 * and passes the caller's folder in {@code PVH_USER_DIR}.
 */
final class UserPaths {
  static final String USER_DIR_ENV = "PVH_USER_DIR";

  private UserPaths() {}

  static Path resolve(String typed) {
    Path p = Path.of(typed);
    String base = System.getenv(USER_DIR_ENV);
    if (p.isAbsolute() || base == null || base.isBlank()) {
      return p;
    }
    return Path.of(base).resolve(p).normalize();
  }
}
