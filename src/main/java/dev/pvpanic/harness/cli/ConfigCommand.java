package dev.pvpanic.harness.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code pvpanic config}: every setting, its value and where the value came from. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Prints every setting: its property (-Dpvh.x) or environment variable (PVH_X), its value"
            + " and where it came from (property, environment, default).")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    main.terminal().out().print(main.settings().describe());
    main.terminal().out().flush();
    return ExitStatus.PASS.code();
  }
}
