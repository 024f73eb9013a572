/**
 * The oracle: what a cell must show, derived from rules about the guest kernel and QEMU (never from
 * recorded runs), and the comparison of an actual run with it.
 *
 * <p>Inputs: {@link dev.pvpanic.harness.oracle.CellSetup} (what the harness controls), {@link
 * dev.pvpanic.harness.oracle.GuestFacts} (what the guest reported when ready) and {@link
 * dev.pvpanic.harness.oracle.QemuCapabilities}. {@link dev.pvpanic.harness.oracle.Oracle} gives an
 * {@link dev.pvpanic.harness.oracle.ExpectedOutcome}; {@link
 * dev.pvpanic.harness.oracle.OutcomeComparison} checks an {@link
 * dev.pvpanic.harness.oracle.ObservedOutcome} against it.
 */
package dev.pvpanic.harness.oracle;
