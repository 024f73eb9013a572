package dev.pvpanic.harness.image.debian;

/**
 * A file a Release lists under {@code SHA256:}.
 *
 * @param path relative to {@code dists/<suite>/}, e.g. {@code main/binary-amd64/Packages.xz}
 * @param size in bytes
 * @param sha256 lower-case hex
 */
public record IndexedFile(String path, long size, String sha256) {}
