/**
 * The oracle: what a cell must show, derived from rules about the guest kernel and QEMU (never from
 * recorded runs), and the comparison of an actual run with it.
 *
 * <p>Inputs, all declared before the guest boots: {@link dev.pvpanic.harness.oracle.CellSetup}
 * (what the harness controls, with its {@link dev.pvpanic.harness.oracle.Trigger}), {@link
 * dev.pvpanic.harness.oracle.ImageFacts} (the image manifest and the kernel's own config), from
 * which {@link dev.pvpanic.harness.oracle.GuestExpectation} derives the {@link
 * dev.pvpanic.harness.oracle.GuestFacts}, and {@link dev.pvpanic.harness.oracle.QemuCapabilities}
 * (the build's introspection). What the guest or QEMU reports is an observation: {@link
 * dev.pvpanic.harness.oracle.GuestReport} is read only for a fact no input declares (the
 * expectation then says it went by the guest), and {@link
 * dev.pvpanic.harness.oracle.OutcomeComparison} checks the {@link
 * dev.pvpanic.harness.oracle.ObservedOutcome} against the {@link
 * dev.pvpanic.harness.oracle.ExpectedOutcome} that {@link dev.pvpanic.harness.oracle.Oracle} gives.
 */
package dev.pvpanic.harness.oracle;
