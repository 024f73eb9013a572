package dev.pvpanic.harness.image;

import dev.pvpanic.harness.HarnessException;

/**
 * An image recipe that cannot be used: a usage error (exit 2) that names the file, what is wrong
 * and what would be valid, found before anything downloads or boots.
 */
public class RecipeException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public RecipeException(String message) {
    super(message);
  }

  public RecipeException(String message, Throwable cause) {
    super(message, cause);
  }
}
