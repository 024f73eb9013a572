package dev.pvpanic.harness.image.initramfs;

import java.util.List;

/**
 * A shared library (or the ELF interpreter) a program needs is not in the extracted root: usually a
 * package missing from the image recipe.
 */
public class MissingLibraryException extends InitramfsException {
  private static final long serialVersionUID = 1L;

  private final String library;
  private final String neededBy;
  private final List<String> searched;

  public MissingLibraryException(String library, String neededBy, List<String> searched) {
    super(
        "shared library "
            + library
            + " needed by "
            + neededBy
            + " not found; searched "
            + String.join(", ", searched)
            + " (add the package that ships it to the image recipe)");
    this.library = library;
    this.neededBy = neededBy;
    this.searched = List.copyOf(searched);
  }

  /** The DT_NEEDED name (or interpreter path) that was not found. */
  public String library() {
    return library;
  }

  /** The in-guest path of the ELF file that needs it. */
  public String neededBy() {
    return neededBy;
  }

  /** The folders searched, as host paths. */
  public List<String> searched() {
    return searched;
  }
}
