package dev.pvpanic.harness.image;

/** Gives the built image for a recipe name, building it on first use. */
@FunctionalInterface
public interface ImageProvider {
  GuestImage image(String recipe);
}
