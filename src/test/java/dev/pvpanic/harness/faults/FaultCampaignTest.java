package dev.pvpanic.harness.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultCampaignTest {
  @Test
  void theSameSeedPlansTheSameFaultsAtTheSameDelays() {
    FaultCampaign a = new FaultCampaign(42, 0.1, Duration.ofSeconds(3));
    assertEquals(a.plan(1000), new FaultCampaign(42, 0.1, Duration.ofSeconds(3)).plan(1000));
    assertNotEquals(a.plan(1000), new FaultCampaign(43, 0.1, Duration.ofSeconds(3)).plan(1000));
  }

  @Test
  void aboutTheRateIsStruckWithEveryKindAndDelaysWithinTheBound() {
    List<Map.Entry<Fault, Duration>> plan =
        new FaultCampaign(7, 0.1, Duration.ofSeconds(3)).plan(1000);
    long struck = plan.stream().filter(e -> e.getKey() != Fault.NONE).count();
    assertTrue(struck > 70 && struck < 130, struck + " of 1000");
    for (Fault f : Fault.values()) {
      assertTrue(plan.stream().anyMatch(e -> e.getKey() == f), f + " never planned");
    }
    assertTrue(plan.stream().allMatch(e -> e.getValue().compareTo(Duration.ofSeconds(3)) < 0));
  }
}
