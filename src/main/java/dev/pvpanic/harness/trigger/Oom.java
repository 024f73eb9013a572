package dev.pvpanic.harness.trigger;

import dev.pvpanic.harness.oracle.CellSetup;
import dev.pvpanic.harness.oracle.TriggerAction;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Out of memory with {@code vm.panic_on_oom=2} (set while arming): the guest fills a tmpfs as large
 * as its RAM; tmpfs pages cannot be reclaimed without swap, so the page allocator calls the OOM
 * killer, whose mm/oom_kill.c check_panic_on_oom() first logs the OOM report ({@code dump_header}:
 * "dd invoked oom-killer: ...") and then calls {@code panic("Out of memory: %s panic_on_oom is
 * enabled\n")}, "compulsory" for 2 (2 panics whatever constrained the allocation). The panic is
 * inside dd's write: the shell never returns. A kernel without tmpfs fails the mount, and the exit
 * line says so.
 */
public final class Oom extends PanicTrigger {
  static final String PANIC = "Out of memory: compulsory panic_on_oom is enabled";

  /** mm/oom_kill.c dump_header(): the OOM report before the panic. */
  static final Pattern OOM_REPORT = Pattern.compile("invoked oom-killer:");

  public Oom() {
    super(PANIC, OOM_REPORT);
  }

  @Override
  Optional<String> why() {
    return Optional.of(
        "dd fills a tmpfs as large as RAM with vm.panic_on_oom=2 (set while arming) -> the OOM"
            + " killer panics: mm/oom_kill.c check_panic_on_oom() panic(\""
            + PANIC
            + "\")");
  }

  @Override
  public String id() {
    return "oom";
  }

  @Override
  public TriggerAction action() {
    return new TriggerAction.Typed(
        "mkdir -p /pvh-oom && mount -t tmpfs -o size=100% pvh-oom /pvh-oom"
            + " && dd if=/dev/zero of=/pvh-oom/fill bs=1M");
  }

  @Override
  public List<String> arming(CellSetup setup) {
    return List.of("echo 2 > /proc/sys/vm/panic_on_oom");
  }
}
