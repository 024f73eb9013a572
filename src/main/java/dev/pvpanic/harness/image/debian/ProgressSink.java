package dev.pvpanic.harness.image.debian;

/**
 * Receives download progress. Called on the downloading thread for every chunk read, so
 * implementations throttle their own output and must return quickly.
 */
@FunctionalInterface
public interface ProgressSink {

  void update(DownloadProgress progress);

  /** A sink that shows nothing (tests, quiet runs). */
  static ProgressSink silent() {
    return progress -> {};
  }
}
