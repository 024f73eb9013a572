package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where one machine's files go: its argv, QEMU's stdout and stderr, and the console and QMP
 * transcripts. They are streamed while the machine runs, so they survive a crash of the harness.
 */
public record MachineArtifacts(Path dir) {
  public static final String ARGV = "qemu-argv.txt";
  public static final String STDOUT = "qemu-stdout.log";
  public static final String STDERR = "qemu-stderr.log";
  public static final String CONSOLE = "console.log";
  public static final String QMP = "qmp.log";

  public static MachineArtifacts in(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create artifacts folder " + dir, e);
    }
    return new MachineArtifacts(dir);
  }

  public Path argvFile() {
    return dir.resolve(ARGV);
  }

  public Path stdout() {
    return dir.resolve(STDOUT);
  }

  public Path stderr() {
    return dir.resolve(STDERR);
  }

  public Path consoleTranscript() {
    return dir.resolve(CONSOLE);
  }

  public Path qmpTranscript() {
    return dir.resolve(QMP);
  }

  void writeArgv(List<String> argv) throws IOException {
    Files.writeString(
        argvFile(),
        QemuCommandLine.toShell(argv) + "\n\n" + String.join("\n", argv) + "\n",
        StandardCharsets.UTF_8);
  }

  String stderrTail(int lines) {
    try {
      return readTail(stderr(), lines);
    } catch (UncheckedIOException e) {
      return "(cannot read " + stderr() + ": " + e.getCause().getMessage() + ")";
    }
  }

  private static String readTail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
