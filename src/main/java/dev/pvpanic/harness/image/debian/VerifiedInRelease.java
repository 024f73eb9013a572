package dev.pvpanic.harness.image.debian;

import java.util.List;

/**
 * The text of an InRelease whose signature checked out.
 *
 * @param suite the suite it was fetched for
 * @param text exactly the signed text (trailing whitespace of lines, which a clearsignature does
 *     not cover, removed; lines joined by {@code \n})
 * @param signingKeyIds long ids of the keys whose valid signatures were accepted
 */
public record VerifiedInRelease(String suite, String text, List<String> signingKeyIds) {

  public VerifiedInRelease {
    signingKeyIds = List.copyOf(signingKeyIds);
  }

  /** The Release fields and file list, checked to be for {@link #suite}. */
  public Release release() {
    return Release.parse(suite, text);
  }
}
