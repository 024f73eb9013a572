/**
 * The guest as the harness sees it on its serial console: the protocol lines of the harness's own
 * init ({@code PVH READY}, {@code PVH VMCORE}, the dump log), the watches that wait for a boot or a
 * reboot and tell a loop or a hang from a slow guest, the kernel's own lines the harness looks for,
 * and the capture kernel's progress. Used by one cell's phases and by the snapshot maker.
 */
package dev.pvpanic.harness.guest;
