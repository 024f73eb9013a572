package dev.pvpanic.harness;

/** A setting (a -Dpvh.x property or a PVH_X variable) has a value it cannot take: exit 2. */
public class SettingException extends HarnessException {
  private static final long serialVersionUID = 1L;

  public SettingException(String message) {
    super(message);
  }
}
