package dev.pvpanic.harness.cell;

/** A cell's verdict and the message that explains it, before it is recorded. */
record Decision(Verdict verdict, String message) {}
