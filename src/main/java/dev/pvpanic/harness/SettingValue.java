package dev.pvpanic.harness;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One setting's value read as a type (a number in a range, one of some words, a pattern, a URL): a
 * value it cannot take is a {@link SettingException} naming where it came from ({@code -Dpvh.x=...}
 * or {@code $PVH_X=...}) and what would be valid, the same way for every setting.
 */
final class SettingValue {
  private final Settings settings;
  private final Setting setting;
  private final Optional<String> value;

  SettingValue(Settings settings, Setting setting) {
    this.settings = settings;
    this.setting = setting;
    this.value = settings.get(setting);
  }

  /** A whole number from {@code min} to {@code max}; {@code fallback} when unset. */
  int wholeNumber(int fallback, int min, int max, String notIt) {
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw refused(value.get(), notIt);
  }

  /** One of {@code valid}, lower-cased; {@code fallback} when unset. */
  String oneOf(String fallback, List<String> valid, String notIt) {
    String v = value.orElse(fallback).toLowerCase(Locale.ROOT);
    if (!valid.contains(v)) {
      throw refused(v, notIt);
    }
    return v;
  }

  /** The value when it matches {@code regex}; empty when unset. */
  Optional<String> matching(String regex, String notIt) {
    if (value.isPresent() && !value.get().matches(regex)) {
      throw refused(value.get(), notIt);
    }
    return value;
  }

  /** An absolute URL with a host, without trailing slashes; empty when unset. */
  Optional<URI> absoluteUrl(String notIt) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI u = new URI(value.get().replaceAll("/+$", ""));
      if (u.isAbsolute() && u.getHost() != null) {
        return Optional.of(u);
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw refused(value.get(), notIt);
  }

  /** Whether the value is {@code true} (any case); false when unset. */
  boolean flag() {
    return value.map(v -> v.equalsIgnoreCase("true")).orElse(false);
  }

  private SettingException refused(String given, String notIt) {
    return new SettingException(settings.source(setting) + "=" + given + " " + notIt);
  }
}
