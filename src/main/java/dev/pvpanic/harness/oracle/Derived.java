package dev.pvpanic.harness.oracle;

import java.util.Objects;
import java.util.function.Function;

/**
 * One fact the oracle derives from declared inputs (the cell, the image's manifest, the QEMU
 * build's introspection): either known, or unknown with the reason the rules cannot tell (a user's
 * own kernel without a manifest, say). Only an unknown fact may be taken from what the guest
 * reports, and then the expectation says so.
 */
public sealed interface Derived<T> {

  /** The fact when known, else {@code fallback} (an observation: what the guest reported). */
  T orElse(T fallback);

  /**
   * The value when known, else {@code fallback}'s, which runs only then: an observation is read
   * only for a fact the inputs do not declare.
   */
  default T orElseGet(java.util.function.Supplier<T> fallback) {
    return this instanceof Known<T> k ? k.value() : fallback.get();
  }

  <R> Derived<R> map(Function<T, R> f);

  record Known<T>(T value) implements Derived<T> {
    public Known {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public T orElse(T fallback) {
      return value;
    }

    @Override
    public <R> Derived<R> map(Function<T, R> f) {
      return new Known<>(f.apply(value));
    }
  }

  record Unknown<T>(String why) implements Derived<T> {
    public Unknown {
      Objects.requireNonNull(why, "why");
    }

    @Override
    public T orElse(T fallback) {
      return fallback;
    }

    @Override
    public <R> Derived<R> map(Function<T, R> f) {
      return new Unknown<>(why);
    }
  }

  static <T> Derived<T> known(T value) {
    return new Known<>(value);
  }

  static <T> Derived<T> unknown(String why) {
    return new Unknown<>(why);
  }
}
