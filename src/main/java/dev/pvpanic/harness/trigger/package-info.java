/**
 * The triggers, one file each: what the harness does to a ready guest and everything that follows
 * from it (see {@link dev.pvpanic.harness.oracle.Trigger}). To add one: a new class here with a
 * public no-argument constructor, its test, and its name in {@code
 * src/main/resources/META-INF/services/dev.pvpanic.harness.oracle.Trigger}.
 */
package dev.pvpanic.harness.trigger;
