package dev.pvpanic.harness.image.debian;

import java.util.OptionalLong;

/**
 * Where one download stands.
 *
 * @param name what is downloaded (a pool file or index name)
 * @param bytes received so far
 * @param total expected size, when known
 * @param bytesPerSecond average rate since the download started
 * @param done true for the last report of a download (complete or not)
 */
public record DownloadProgress(
    String name, long bytes, OptionalLong total, double bytesPerSecond, boolean done) {}
