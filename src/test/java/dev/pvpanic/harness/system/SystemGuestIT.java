package dev.pvpanic.harness.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pvpanic.harness.cell.CellResult;
import dev.pvpanic.harness.image.Userland;
import dev.pvpanic.harness.junit.TestSettings;
import dev.pvpanic.harness.matrix.GuestConfig;
import dev.pvpanic.harness.matrix.Shard;
import dev.pvpanic.harness.run.HarnessSession;
import dev.pvpanic.harness.run.MatrixRun;
import dev.pvpanic.harness.run.MatrixRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * guest-configs/system.yaml on real Debian system guests: the seed's three scenarios on the debian
 * userland (systemd, udev's coldplug, kdump-tools, makedumpfile) on x86_64, no-kdump on aarch64
 * (system.yaml says why no arm64 kdump cell can save a dump here). Every cell must pass, none may
 * be left out; a kdump cell passes only when the system came back to READY and kdump-tools saved
 * the dump and the panicked kernel's log (saved-dump.txt).
 */
class SystemGuestIT {

  @Test
  void theSeedsScenariosPassOnADebianSystemWithTheDumpSaved() throws IOException {
    HarnessSession session = HarnessSession.open(TestSettings.jvm(), Optional.empty(), s -> {});
    GuestConfig config =
        session.loadConfig(session.settings().home().resolve("guest-configs/system.yaml"));
    MatrixRun run = session.matrix(config, Shard.ALL, Optional.empty(), OptionalInt.empty(), false);
    List<String> problems = new ArrayList<>();
    int kdump = 0;
    for (MatrixRunner.Outcome o :
        MatrixRunner.run(
            session, run, session.cellOptions(), MatrixRunner.Listener.phases(System.out))) {
      CellResult r = o.result();
      assertEquals(Userland.DEBIAN, r.cell().userland(), r.cell().displayName());
      if (o.skipped() || !r.verdict().name().equals("PASS")) {
        problems.add(r.cell().displayName() + ": " + r.verdict() + "\n" + r.message());
        continue;
      }
      if (r.cell().kdump()) {
        kdump++;
        Path saved = r.artifacts().resolve("saved-dump.txt");
        String text = Files.exists(saved) ? Files.readString(saved) : "(no saved-dump.txt)";
        if (!text.contains("panic line: ") || text.contains("missing:")) {
          problems.add(r.cell().displayName() + ": the saved dump was not checked: " + text);
        }
      }
    }
    assertEquals(List.of(), problems, "system cells that did not pass");
    assertEquals(4, run.cells().size(), "system.yaml: x86_64's 3 scenarios, aarch64's no-kdump");
    assertEquals(2, kdump, "kdump cells with a saved dump");
  }
}
