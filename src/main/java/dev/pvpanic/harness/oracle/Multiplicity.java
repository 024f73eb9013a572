package dev.pvpanic.harness.oracle;

/** How many consecutive occurrences of an expected event the actual sequence must show. */
public enum Multiplicity {
  ONE,
  /**
   * One or more in a row. Used only where the count is known not to be stable (FACTS.md, "Observed
   * quirks": the capture kernel's reboot gives 1 to 3 RESETs), never to loosen a check in general.
   */
  ONE_OR_MORE
}
