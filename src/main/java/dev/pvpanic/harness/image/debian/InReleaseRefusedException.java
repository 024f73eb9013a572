package dev.pvpanic.harness.image.debian;

import java.util.List;

/**
 * A suite's InRelease was refused: not a clearsigned message, a signature that does not match the
 * text (altered or corrupt), or no signature by a known, valid archive key.
 */
public class InReleaseRefusedException extends DebianArchiveException {
  private static final long serialVersionUID = 1L;

  private final String suite;
  private final List<String> keyIds;

  public InReleaseRefusedException(String suite, List<String> keyIds, String reason) {
    super("InRelease of suite '" + suite + "' refused: " + reason);
    this.suite = suite;
    this.keyIds = List.copyOf(keyIds);
  }

  public String suite() {
    return suite;
  }

  /** Long key ids of the signatures involved (e.g. the unknown signer), possibly empty. */
  public List<String> keyIds() {
    return keyIds;
  }
}
