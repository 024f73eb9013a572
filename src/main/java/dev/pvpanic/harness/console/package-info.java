/**
 * The guest's serial console: a raw transcript on disk, the text assembled into lines (terminal
 * escapes and carriage-return rewrites removed), {@code expect} with success and failure patterns
 * and a bound, and typed commands whose exit status comes back through a sentinel line.
 *
 * <p>Entry point: {@link dev.pvpanic.harness.console.SerialConsole#open}.
 */
package dev.pvpanic.harness.console;
