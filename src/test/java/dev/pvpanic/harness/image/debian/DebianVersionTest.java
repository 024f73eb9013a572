package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DebianVersionTest {

  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource({
    "1.0~rc1, 1.0",
    "1.0~rc1, 1.0~rc2",
    "1.0~~, 1.0~",
    "1.0~~a, 1.0~",
    "1.0, 1.0a",
    "1.0, 1.0.1",
    "1.0, 1.0+b1",
    "1.0a, 1.0+",
    "1.0+, 1.0.",
    "2.0, 1:0.1",
    "1:9.9, 2:0.1",
    "6.12.95-1~bpo12+1, 6.12.95-1",
    "6.12.95-1, 6.12.95-1+b1",
    "6.12.94-1, 6.12.95-1~bpo12+1",
    "6.1.192-2, 6.12.95-1~bpo12+1",
    "1.9, 1.10",
    "1.09, 1.10",
    "1.0-1, 1.0-2",
    "1.0-9, 1.0-10",
    "1.0-1, 1.0.1-1",
    "1.0, 1.0-1",
    "1:1.35.0-4+b3, 1:1.35.0-4+deb12u1+b1",
    "7.2.13-1, 7.3~rc2-1~exp1",
    "7.3~rc2-1~exp1, 7.3-1",
    "0, 0.0.1",
    "a, b",
    "Z, a",
  })
  void ordersLikeDpkg(String lower, String higher) {
    DebianVersion a = DebianVersion.parse(lower);
    DebianVersion b = DebianVersion.parse(higher);
    assertTrue(a.compareTo(b) < 0, lower + " should sort before " + higher);
    assertTrue(b.compareTo(a) > 0, higher + " should sort after " + lower);
  }

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource({"1.0, 1.0", "1.0, 1.00", "0:1.0, 1.0", "1.0-0, 1.0", "01, 1"})
  void treatsNumericallyEqualVersionsAsEqualInOrder(String a, String b) {
    assertEquals(0, DebianVersion.parse(a).compareTo(DebianVersion.parse(b)));
  }

  @Test
  void splitsEpochUpstreamAndRevisionAtTheLastDash() {
    DebianVersion v = DebianVersion.parse("1:2.0.25-3+deb12u3");
    assertEquals(1, v.epoch());
    assertEquals("2.0.25", v.upstream());
    assertEquals("3+deb12u3", v.revision());

    DebianVersion dashed = DebianVersion.parse("1.2-beta-4");
    assertEquals("1.2-beta", dashed.upstream());
    assertEquals("4", dashed.revision());

    DebianVersion nativePackage = DebianVersion.parse("2023.3");
    assertEquals(0, nativePackage.epoch());
    assertEquals("", nativePackage.revision());
  }

  @Test
  void equalityIsOnTheWrittenString() {
    assertEquals(DebianVersion.parse("1.0-1"), DebianVersion.parse(" 1.0-1 "));
    assertNotEquals(DebianVersion.parse("1.0"), DebianVersion.parse("1.00"));
  }

  @Test
  void sortingAShuffledListGivesDpkgOrder() {
    List<String> expected =
        List.of(
            "0.9",
            "1.0~alpha",
            "1.0~beta1",
            "1.0",
            "1.0-0.1",
            "1.0-1~bpo1",
            "1.0-1",
            "1.0-1+b1",
            "1.0+dfsg-1",
            "1.0.1",
            "1.1",
            "1:0.1");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(42));
    List<String> sorted =
        shuffled.stream().map(DebianVersion::parse).sorted().map(DebianVersion::toString).toList();
    assertEquals(expected, sorted);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a:1.0", ":1.0", "1.0 2", "1:-1", "1.0-", "1:2:3", "1.0_1"})
  void refusesWhatIsNotAVersion(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse(text));
    assertTrue(e.getMessage().contains("not a Debian version: '" + text + "'"), e.getMessage());
  }
}
