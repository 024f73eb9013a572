/**
 * The fault campaign: cells of a config run under seeded faults (QEMU killed or stopped, sockets
 * shut, the cache damaged, the harness JVM killed), each checked for the verdict its fault must get
 * and for leaks. {@link dev.pvpanic.harness.faults.FaultCampaign} plans and runs them, {@link
 * dev.pvpanic.harness.faults.AtRestFaults} strikes the cache and the JVM, {@link
 * dev.pvpanic.harness.faults.Leaks} looks for what a cell left behind.
 */
package dev.pvpanic.harness.faults;
