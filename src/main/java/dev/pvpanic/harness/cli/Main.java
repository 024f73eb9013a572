package dev.pvpanic.harness.cli;

import dev.pvpanic.harness.Interruption;
import dev.pvpanic.harness.SettingException;
import dev.pvpanic.harness.Settings;
import dev.pvpanic.harness.image.ImageBuilder;
import dev.pvpanic.harness.image.ImageEnvironment;
import dev.pvpanic.harness.image.RecipeException;
import dev.pvpanic.harness.image.debian.LockFileException;
import dev.pvpanic.harness.machine.QemuMachine;
import dev.pvpanic.harness.matrix.GuestConfigException;
import dev.pvpanic.harness.run.HarnessSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pvpanic}: the harness's command line. {@code run} one cell (from flags or a guest config),
 * {@code matrix} a whole config, {@code images} list/build/lock, {@code bundle} a cell for a bug
 * report. Exit codes: see {@link ExitStatus}.
 */
@Command(
    name = "pvpanic",
    mixinStandardHelpOptions = true,
    version = "pvpanic-harness 0.1.0",
    description = "Boots real guests under QEMU, panics them and checks the QMP events.",
    subcommands = {
      RunCommand.class,
      MatrixCommand.class,
      FaultsCommand.class,
      ImagesCommand.class,
      BundleCommand.class,
      ConfigCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every cell passed",
      "1:a cell failed (wrong guest state, wrong events, unexpected panic, timeout)",
      "2:usage (bad flag, unknown recipe or axis value)",
      "3:infrastructure (QEMU missing or died, an image did not build)"
    })
public final class Main implements Callable<Integer> {

  @Option(
      names = "--mirror",
      paramLabel = "URL",
      description =
          "Debian mirror for images (default: PVH_DEBIAN_MIRROR, else the host's apt sources)")
  String mirror;

  @Option(
      names = {"-v", "--verbose"},
      description =
          "say each decision (cold or snapshot, accelerator, QEMU capabilities) on stderr")
  boolean verbose;

  @Option(
      names = "--allow-unconfined",
      description =
          "take qemu_args that undo QEMU's confinement (-sandbox, -runas, -run-with, -netdev,"
              + " -virtfs, a -chardev on a host path...): -Dpvh.allow-unconfined=true")
  void allowUnconfined(boolean allow) {
    if (allow) {
      // the flag over the JVM's properties, as -Dpvh.allow-unconfined=true would be
      settings = settings.withProperties(Map.of("pvh.allow-unconfined", "true"));
    }
  }

  @Spec CommandSpec spec;

  private final Terminal terminal;
  private Settings settings;

  public Main() {
    this(Terminal.system(), Settings.system());
  }

  Main(Terminal terminal, Settings settings) {
    this.terminal = terminal;
    this.settings = settings;
  }

  public static void main(String[] args) {
    // Before any logger exists: SLF4J's simple binding reads its levels once.
    if (java.util.Arrays.asList(args).contains("--verbose")
        || java.util.Arrays.asList(args).contains("-v")) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.pvpanic", "debug");
    }
    Interruption.install(System.err);
    Interruption.onInterrupt(QemuMachine::closeAll);
    int exit = commandLine(Terminal.system()).execute(args);
    if (Interruption.requested()) {
      System.err.println(
          "pvpanic: interrupted: the cells that finished have their verdicts and records; the"
              + " ones in flight say INTERRUPTED");
      exit = Interruption.EXIT;
    }
    System.exit(exit);
  }

  /** The command line, wired to {@code terminal}: {@code execute(args)} returns the exit code. */
  public static CommandLine commandLine(Terminal terminal) {
    return commandLine(terminal, Settings.system());
  }

  /** The command line with the settings given (tests), its flags taking precedence over them. */
  public static CommandLine commandLine(Terminal terminal, Settings settings) {
    Main main = new Main(terminal, settings);
    CommandLine cl = new CommandLine(main);
    cl.setOut(new PrintWriter(terminal.out(), true));
    cl.setErr(new PrintWriter(terminal.err(), true));
    // a path typed by a person is taken from the folder they typed it in (PVH_USER_DIR)
    cl.registerConverter(Path.class, typed -> main.settings().userPath(typed));
    // run --bisect: a flag git bisect run passes wrongly is no finding about the commit
    picocli.CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler(
        (e, args) -> {
          int code = usage.handleParseException(e, args);
          return java.util.Arrays.asList(args).contains("--bisect")
              ? BisectStatus.SKIP.code()
              : code;
        });
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          // "pvpanic images build", not "pvpanic build": a hint must name a real command
          String command = line.getCommandSpec().qualifiedName();
          if (isInputError(e)) {
            line.getErr().println(command + ": " + e.getMessage());
            line.getErr().println("(see: " + command + " --help)");
            return ExitStatus.USAGE.code();
          }
          line.getErr().println(command + ": " + describe(e));
          return ExitStatus.INFRASTRUCTURE.code();
        });
    return cl;
  }

  /**
   * Whether {@code e}, or what caused it, is an error of the input (a flag, a guest config, a
   * recipe, a lock entry): exit 2, whatever wrapped it on the way (e.g. "image could not be
   * built").
   */
  static boolean isInputError(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof UsageException
          || c instanceof GuestConfigException
          || c instanceof RecipeException
          || c instanceof LockFileException
          || c instanceof SettingException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append("\n  caused by: ").append(c.getMessage());
      }
    }
    return sb.toString();
  }

  @Override
  public Integer call() {
    terminal.err().println("pvpanic: which command? (run, matrix, images, bundle, config)");
    spec.commandLine().usage(terminal.err());
    return ExitStatus.USAGE.code();
  }

  Terminal terminal() {
    return terminal;
  }

  /** The settings of this command line: the JVM's, then its flags ({@code --allow-unconfined}). */
  Settings settings() {
    return settings;
  }

  Optional<String> mirror() {
    return Optional.ofNullable(mirror).filter(m -> !m.isBlank());
  }

  /** The session of this command: settings, recipes, images ({@code --mirror}), snapshots. */
  HarnessSession session(Consumer<String> log) {
    return HarnessSession.open(settings, mirror(), log);
  }

  /** The image builder, with {@code --mirror} if given; {@code log} gets its progress lines. */
  ImageBuilder images(Consumer<String> log) {
    return ImageEnvironment.builder(settings, mirror(), log);
  }
}
