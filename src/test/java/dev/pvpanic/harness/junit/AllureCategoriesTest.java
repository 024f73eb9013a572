package dev.pvpanic.harness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pvpanic.harness.cell.CellRunner;
import dev.pvpanic.harness.cell.Verdict;
import dev.pvpanic.harness.matrix.Axis;
import dev.pvpanic.harness.matrix.Cell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * categories.json (the Allure report's Categories panel, copied into the results by
 * ci/allure-report.sh): every failing verdict lands in its own category, by the message and the
 * status Allure gives the error the matrix test throws for it.
 */
class AllureCategoriesTest {
  @TempDir Path dir;

  private static JsonNode categories() throws IOException {
    try (InputStream in = AllureCategoriesTest.class.getResourceAsStream("/categories.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  /**
   * What allure-junit-platform records: an AssertionError fails a test, anything else breaks it.
   */
  private static String status(Throwable t) {
    return t instanceof AssertionError ? "failed" : "broken";
  }

  private static List<String> matching(JsonNode categories, String status, String message) {
    List<String> names = new ArrayList<>();
    for (JsonNode c : categories) {
      boolean statusMatches = false;
      for (JsonNode s : c.path("matchedStatuses")) {
        statusMatches |= s.asText().equals(status);
      }
      if (statusMatches
          && Pattern.compile(c.path("messageRegex").asText()).matcher(message).matches()) {
        names.add(c.path("name").asText());
      }
    }
    return names;
  }

  @Test
  void everyFailingVerdictHasACategoryOfItsOwn() throws IOException {
    JsonNode categories = categories();
    Cell cell = new Cell(Optional.empty(), Map.of(Axis.RECIPE, "x86_64-6.12"));
    for (Verdict v : Verdict.values()) {
      if (v == Verdict.PASS || v == Verdict.NOT_APPLICABLE) {
        continue;
      }
      Throwable t =
          org.junit.jupiter.api.Assertions.assertThrows(
              Throwable.class,
              CellRunner.notRun(cell, v, "line one\nline two", dir.resolve(v.name()))
                  ::assertPassed);
      List<String> names = matching(categories, status(t), t.getMessage());
      assertEquals(1, names.size(), v + " falls in " + names);
      assertTrue(names.get(0).startsWith(v.name() + ":"), names.get(0));
    }
  }

  @Test
  void aMissingPrerequisiteAndARunTimeNotApplicableHaveTheirs() throws IOException {
    JsonNode categories = categories();
    AssertionError missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class,
            () -> Prerequisite.QEMU_X86_64.require(false, "not on PATH", List.of("qemu-x86_64")));
    assertEquals(1, matching(categories, "failed", missing.getMessage()).size());
    assertEquals(
        1,
        matching(categories, "failed", "NOT_APPLICABLE at run time: no i6300esb in the image")
            .size());
  }
}
