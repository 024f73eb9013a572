/**
 * One cell, end to end, as a pipeline of phases; each phase takes what the earlier ones returned
 * and gives back an immutable value, and only {@link dev.pvpanic.harness.cell.CellRunner} records
 * into the cell's {@link dev.pvpanic.harness.cell.CellRun} (its cell.json).
 *
 * <p>The walk of one cell ({@code CellRunner.run}):
 *
 * <ol>
 *   <li><b>planned</b>: the image's manifest says whether the trigger can run at all ({@code
 *       Oracle.applicability}); the kernel command line and the {@code MachineSpec} are made
 *       ({@code CellMachine}), before any QEMU starts;
 *   <li><b>started</b>: {@link dev.pvpanic.harness.cell.CellStarter} restores the guest from its
 *       snapshot (made now if this is the first cell of its key) or launches QEMU cold, and returns
 *       {@code Started}: the machine, how it started and why, the cell's first event index, and a
 *       restored guest's READY line;
 *   <li><b>ready</b>: the build's capabilities ({@code BuildCapabilities}, from its introspection),
 *       the cell's applicability to them, then the READY line (booted, watched by {@code
 *       BootWatch});
 *   <li><b>expected</b>: {@code Oracle.expect} from declared inputs (the cell, the image manifest
 *       and kernel config, the QEMU build); the READY report fills only facts no input declares,
 *       and the expectation says so;
 *   <li><b>armed</b>: {@link dev.pvpanic.harness.cell.GuestArming} loads kdump, sets the notifiers
 *       and runs the trigger's own arming; what it reads back is an observation;
 *   <li><b>triggered and collected</b>: the trigger's action (typed, a serial BREAK, or QMP) and
 *       {@link dev.pvpanic.harness.cell.EventCollector}, which returns the events' story: what is
 *       missing, whether the guest was seen booting again, why the trigger did not take;
 *   <li><b>judged</b>: {@link dev.pvpanic.harness.cell.CellJudge} returns a {@code Judgement}: a
 *       {@link dev.pvpanic.harness.cell.Decision} and the {@code Observation} (events, final state,
 *       VMCORE, dump log, the comparison);
 *   <li><b>after</b>: a passed cell's {@link dev.pvpanic.harness.cell.AfterAction} ({@code dump} or
 *       {@code recover});
 *   <li><b>recorded</b>: {@code CellRun.finish} writes cell.json once more after QEMU is gone.
 * </ol>
 *
 * A phase that ends the cell early says why with a {@code Decision}; QEMU's own troubles (death, a
 * lost connection, a stop) are decided by {@link dev.pvpanic.harness.cell.QemuGone}.
 */
package dev.pvpanic.harness.cell;
