package dev.pvpanic.harness.report;

import dev.pvpanic.harness.HarnessException;

/** A report could not be read or written: names the file and what was wrong with it. */
public class ReportException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public ReportException(String message) {
    super(message);
  }

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
