package dev.pvpanic.harness.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system image's mmdebstrap hooks, run the way mmdebstrap runs them. */
class SystemImageBuildTest {
  @TempDir Path root;

  @Test
  void theExtractHookRemovesWhatWasExtractedThereAndLeavesDpkgTheRules() throws Exception {
    for (String f :
        java.util.List.of(
            "usr/share/doc/bash/copyright",
            "usr/share/man/man1/bash.1.gz",
            "usr/share/locale/de/LC_MESSAGES/bash.mo",
            "usr/share/bash-completion/completions/apt",
            "usr/bin/bash")) {
      write(f);
    }
    String flag = "--extract-hook=";
    String hook = SystemImageBuild.excludeAfterExtracting();
    assertTrue(hook.startsWith(flag), hook);

    // mmdebstrap runs a hook as: sh -c HOOK exec ROOT
    Process p =
        new ProcessBuilder("sh", "-c", hook.substring(flag.length()), "exec", root.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);

    assertEquals(
        "path-exclude=/usr/share/doc/*\n"
            + "path-exclude=/usr/share/man/*\n"
            + "path-exclude=/usr/share/locale/*\n",
        Files.readString(root.resolve("etc/dpkg/dpkg.cfg.d/99mmdebstrap")));
    for (String gone : java.util.List.of("usr/share/doc", "usr/share/man", "usr/share/locale")) {
      assertTrue(Files.isDirectory(root.resolve(gone)), gone + " itself stays");
      try (var left = Files.list(root.resolve(gone))) {
        assertFalse(left.findAny().isPresent(), gone + " is emptied");
      }
    }
    assertTrue(Files.exists(root.resolve("usr/share/bash-completion/completions/apt")));
    assertTrue(Files.exists(root.resolve("usr/bin/bash")));
  }

  private void write(String path) throws IOException {
    Path f = root.resolve(path);
    Files.createDirectories(f.getParent());
    Files.writeString(f, path);
  }
}
