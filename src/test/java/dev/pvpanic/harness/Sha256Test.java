package dev.pvpanic.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
  // FIPS 180-2, appendix B.1
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path tmp;

  @Test
  void bytesTextStreamAndFileHashAlike() throws IOException {
    byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(tmp.resolve("abc"), abc);

    assertEquals(ABC, Sha256.of(abc));
    assertEquals(ABC, Sha256.of("abc"));
    assertEquals(ABC, Sha256.of(new ByteArrayInputStream(abc)));
    assertEquals(ABC, Sha256.of(file));
    assertEquals(
        Sha256.of("xabc"),
        Sha256.running().bytes("x".getBytes(StandardCharsets.UTF_8)).file(file).hex());
  }

  @Test
  void fieldsEndInANulSoTheirBordersCount() {
    String ab = Sha256.running().field("ab").field("c").hex();
    assertNotEquals(ab, Sha256.running().field("a").field("bc").hex());
    assertEquals(Sha256.of("ab\0c\0"), ab);
  }

  @Test
  void whatIsReadThroughTheStreamIsHashed() throws IOException {
    Sha256.Running sum = Sha256.running();
    try (InputStream in =
        sum.reading(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)))) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    assertEquals(ABC, sum.hex());
  }
}
