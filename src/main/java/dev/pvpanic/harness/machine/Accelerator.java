package dev.pvpanic.harness.machine;

import java.util.Locale;

/**
 * The accelerator a spec asks for. {@code AUTO} uses KVM only when a probe shows that KVM really
 * runs a guest on this host (a present /dev/kvm is not enough: nested KVM can hang Linux guests).
 */
public enum Accelerator {
  TCG,
  KVM,
  AUTO;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Accelerator parse(String text) {
    String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown accelerator '" + text + "'; valid: tcg, kvm, auto", e);
    }
  }
}
