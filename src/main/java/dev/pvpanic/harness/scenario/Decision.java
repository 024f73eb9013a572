package dev.pvpanic.harness.scenario;

/** A cell's verdict and the message that explains it, before it is recorded. */
record Decision(Verdict verdict, String message) {}
