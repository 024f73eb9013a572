package dev.pvpanic.harness.faults;

import dev.pvpanic.harness.cell.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One cell of the campaign and what became of it. */
public record Strike(
    int index,
    String cell,
    Fault fault,
    Duration delay,
    boolean delivered,
    Verdict verdict,
    Duration toVerdict,
    boolean right,
    List<String> leaks,
    Path artifacts,
    String detail) {}
