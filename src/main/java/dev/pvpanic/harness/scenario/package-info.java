/**
 * The steps of one matrix cell and the guest-side protocol ({@link
 * dev.pvpanic.harness.scenario.GuestProtocol}): the lines the guest's init prints on the console.
 */
package dev.pvpanic.harness.scenario;
