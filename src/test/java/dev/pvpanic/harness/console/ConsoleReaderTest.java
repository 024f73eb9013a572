package dev.pvpanic.harness.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader copies the stream to the transcript as read, and keeps reading when it cannot. */
class ConsoleReaderTest {
  @TempDir Path dir;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConsoleBuffer buffer = new ConsoleBuffer("test", closed);

  private void readAll(String text, Path file, OutputStream transcript) {
    ConsoleReader reader =
        new ConsoleReader(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            file,
            transcript,
            "test",
            buffer,
            new LineListeners(buffer, "test"),
            closed);
    reader.start();
    await("the stream's end").atMost(Duration.ofSeconds(5)).until(() -> !buffer.isOpen());
    reader.stop(Duration.ofSeconds(5));
  }

  @Test
  void theTranscriptGetsTheRawBytesAndTheBufferTheLines() throws IOException {
    Path file = dir.resolve("deep/console.log");
    readAll("login: \r\nroot\r\n# ", file, ConsoleReader.createTranscript(file));

    assertEquals("login: \r\nroot\r\n# ", Files.readString(file));
    assertEquals(List.of("login: ", "root", "# "), buffer.lines(), "the end completes the prompt");
  }

  @Test
  void aTranscriptThatCannotBeWrittenDoesNotStopTheReading() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }
        };
    readAll("one\ntwo\n", dir.resolve("console.log"), broken);

    assertEquals(List.of("one", "two"), buffer.lines());
  }
}
