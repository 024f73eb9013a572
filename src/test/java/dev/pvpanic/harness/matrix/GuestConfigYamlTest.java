package dev.pvpanic.harness.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest config file is read as YAML only within its limits, and each refusal names the file. */
class GuestConfigYamlTest {

  private static String loadRejection(Path file) {
    return assertThrows(GuestConfigException.class, () -> GuestConfigYaml.read(file)).getMessage();
  }

  @Test
  void aliasesAreRefusedNotReadAsTheirNames(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("alias.yaml");
    java.nio.file.Files.writeString(
        file, "x: &r x86_64-6.12\ncells:\n  - {name: a, recipe: *r, panic: none}\n");
    String m = loadRejection(file);
    assertTrue(m.contains(":3:"), m);
    assertTrue(m.contains("the YAML alias '*r' is not supported"), m);
  }

  @Test
  void anAliasBombIsRefusedAtItsFirstAlias(@TempDir Path dir) throws Exception {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 9; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      yaml.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      yaml.append("]\n");
    }
    Path file = dir.resolve("bomb.yaml");
    java.nio.file.Files.writeString(file, yaml);
    assertTrue(loadRejection(file).contains("the YAML alias '*a0'"));
  }

  @Test
  void aHugeOneLineFileIsRefusedBeforeItIsParsed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
      byte[] chunk = new byte[1 << 20];
      java.util.Arrays.fill(chunk, (byte) 'x');
      out.write('#');
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
    }
    String m = loadRejection(file);
    assertTrue(m.contains("is larger than 1 MiB"), m);
  }

  @Test
  void aOneMegabyteLineIsRefusedBeforeTheScannerReadsIt(@TempDir Path dir) throws Exception {
    // under the size limit, but the YAML scanner took about 1 GB and 4 s for such a line
    Path file = dir.resolve("line.yaml");
    java.nio.file.Files.writeString(
        file, "name: line\n# " + "y".repeat(1_000_000) + "\ncells: [{name: a}]\n");
    String m = loadRejection(file);
    assertTrue(m.startsWith(file + ":2: a line of 1000002 characters, over 65536"), m);
  }

  @Test
  void bytesThatAreNotUtf8AreNamedNotAJavaMessage(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latin1.yaml");
    java.nio.file.Files.write(
        file, "name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    String m = loadRejection(file);
    assertTrue(m.contains("is not UTF-8 text (byte 9"), m);
    assertFalse(m.contains("Input length"), m);
  }

  @Test
  void aMissingEmptyOrBrokenFileIsNamedWithWhatIsWrong(@TempDir Path dir) throws Exception {
    assertTrue(loadRejection(dir.resolve("absent.yaml")).startsWith("no guest config "));
    Path empty = java.nio.file.Files.writeString(dir.resolve("empty.yaml"), "  \n");
    assertTrue(
        loadRejection(empty)
            .endsWith(": is empty (expected a mapping with 'name', 'axes'" + " and/or 'cells')"));
    Path broken = java.nio.file.Files.writeString(dir.resolve("broken.yaml"), "a: [1, 2\n");
    String m = loadRejection(broken);
    assertTrue(m.startsWith(broken + ":"), m);
    assertTrue(m.contains(": not valid YAML: "), m);
    Path twice = java.nio.file.Files.writeString(dir.resolve("twice.yaml"), "a: 1\na: 2\n");
    assertTrue(loadRejection(twice).contains("not valid YAML"), "duplicate keys are refused");
  }

  @Test
  void aFileWithinTheLimitsIsItsYamlValue(@TempDir Path dir) throws Exception {
    Path file =
        java.nio.file.Files.writeString(dir.resolve("ok.yaml"), "name: caf\u00e9\nkdump: [no]\n");
    assertEquals(Map.of("name", "caf\u00e9", "kdump", List.of(false)), GuestConfigYaml.read(file));
  }
}
