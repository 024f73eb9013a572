package dev.pvpanic.harness.machine;

import dev.pvpanic.harness.qmp.QemuIntrospection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one QEMU is confined, the way libvirt confines its QEMUs, decided before it starts from the
 * build's own introspection and from who runs the harness:
 *
 * <ul>
 *   <li>a seccomp sandbox, {@code -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,
 *       resourcecontrol=deny}, on every build that has one ({@code query-command-line-options}
 *       lists {@code sandbox} only when QEMU was built with seccomp). Nothing the harness asks of
 *       QEMU spawns a process: saved states and dumps go through descriptors passed over QMP;
 *   <li>when the harness runs as root, QEMU drops to an unprivileged account ({@link QemuAccount})
 *       once it has opened what it needs (the kernel, the initrd, firmware, /dev/kvm, and connected
 *       the harness's QMP and console sockets): {@code -run-with user=} where {@code run-with} has
 *       a {@code user} parameter (9.1 and later), else {@code -runas}, which every build without it
 *       has (it was deprecated only when {@code run-with user=} came). Such a QEMU also becomes
 *       undumpable, so other processes of that account cannot ptrace it or read its memory.
 * </ul>
 *
 * <p>QEMU installs its sandbox while it parses its options, before it drops privileges, and with
 * {@code elevateprivileges=deny} its own setgid/setuid is killed by the filter (SIGSYS, seen on
 * 5.2, 7.2, 10.0 and 11.1). So a QEMU that drops gets {@code elevateprivileges=allow}: once it is
 * the unprivileged account it holds no capability, and the set*id calls the filter lets through
 * cannot give root back. libvirt avoids this by changing the user before it executes QEMU; the
 * harness cannot, since a QEMU that starts unprivileged could not read the images and the builds in
 * root's cache.
 *
 * @param sandbox the {@code -sandbox} value; empty when the build has no seccomp
 * @param user the account QEMU drops to; empty when the harness is not root (QEMU then runs as the
 *     harness's own unprivileged user) or there is no account to drop to
 * @param userOption how the build drops: {@code -run-with user=} or {@code -runas}
 * @param notes what a person should know that does not weaken the confinement
 * @param warnings what leaves this QEMU less confined than that: reported with every cell it runs
 */
public record QemuConfinement(
    Optional<String> sandbox,
    Optional<QemuAccount> user,
    Optional<String> userOption,
    List<String> notes,
    List<String> warnings) {

  /** libvirt's sandbox. */
  public static final String SANDBOX =
      "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

  /** The sandbox of a QEMU that drops to another user itself (see the class comment). */
  public static final String SANDBOX_DROPPING =
      "on,obsolete=deny,elevateprivileges=allow,spawn=deny,resourcecontrol=deny";

  static final String RUN_WITH_USER = "-run-with user=";
  static final String RUNAS = "-runas";

  public QemuConfinement {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(userOption, "userOption");
    notes = List.copyOf(notes);
    warnings = List.copyOf(warnings);
    if (user.isPresent() != userOption.isPresent()) {
      throw new IllegalArgumentException("an account to drop to needs the option that drops");
    }
  }

  /** No confinement at all, for {@code why}. */
  public static QemuConfinement none(String why) {
    return new QemuConfinement(
        Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(why));
  }

  /**
   * The confinement of a machine: {@link #decide} for its build, this harness's user and the
   * account setting ({@code pvh.qemu.user}); none for a spec that asks for none (the introspection
   * probe).
   */
  static QemuConfinement of(MachineSpec spec) {
    if (!spec.confine()) {
      return none("asked to run unconfined (" + spec.name() + ")");
    }
    return decide(
        spec.qemu().label(),
        QemuIntrospector.introspect(spec.qemu(), spec.arch()),
        HarnessUser.UID,
        QemuAccount.find(spec.qemu().launch().qemuUsers()),
        spec.qemu().launch().qemuUsers());
  }

  /**
   * The rules, applied to declared inputs.
   *
   * @param build the build's label, for messages
   * @param introspection what the build says about itself; empty when it could not be asked
   * @param harnessUid the effective uid this harness runs as
   * @param account the account to drop to, when there is one
   * @param accountNames the accounts looked for, for messages
   */
  public static QemuConfinement decide(
      String build,
      Optional<QemuIntrospection> introspection,
      int harnessUid,
      Optional<QemuAccount> account,
      List<String> accountNames) {
    if (introspection.isEmpty()) {
      return none(
          "QEMU build "
              + build
              + " did not answer introspection: whether it has a seccomp sandbox and how it drops"
              + " privileges are unknown, so it runs unconfined");
    }
    QemuIntrospection qemu = introspection.get();
    List<String> notes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Optional<QemuAccount> user = Optional.empty();
    Optional<String> userOption = Optional.empty();
    if (harnessUid != 0) {
      notes.add(
          "the harness runs as uid "
              + harnessUid
              + ": QEMU runs as that unprivileged user, nothing to drop");
    } else if (account.isEmpty()) {
      warnings.add(
          "the harness runs as root and none of the accounts "
              + accountNames
              + " exists (ci/setup.sh makes pvh-qemu; pvh.qemu.user names another): QEMU runs as"
              + " root");
    } else {
      user = account;
      userOption = Optional.of(qemu.hasOptionParameter("run-with", "user") ? RUN_WITH_USER : RUNAS);
    }
    Optional<String> sandbox = Optional.empty();
    if (!qemu.commandLineOptions().containsKey("sandbox")) {
      warnings.add(
          "QEMU build "
              + build
              + " was built without seccomp (query-command-line-options lists no 'sandbox'): no"
              + " syscall filter, it may spawn processes");
    } else if (user.isPresent()) {
      sandbox = Optional.of(SANDBOX_DROPPING);
      notes.add(
          "elevateprivileges=allow (libvirt: deny): QEMU drops to "
              + user.get()
              + " itself after its sandbox is in place, and deny would kill its setuid; once"
              + " dropped it holds no capability, so set*id cannot give root back");
    } else {
      sandbox = Optional.of(SANDBOX);
    }
    return new QemuConfinement(sandbox, user, userOption, notes, warnings);
  }

  /** Whether this QEMU is confined as intended: nothing to warn about. */
  public boolean confined() {
    return warnings.isEmpty();
  }

  /** The arguments that confine QEMU. */
  public List<String> qemuArgs() {
    List<String> args = new ArrayList<>();
    sandbox.ifPresent(s -> args.addAll(List.of("-sandbox", s)));
    user.ifPresent(
        u ->
            args.addAll(
                userOption.get().equals(RUNAS)
                    ? List.of(RUNAS, u.uidGid())
                    : List.of("-run-with", "user=" + u.uidGid())));
    return args;
  }

  /**
   * What {@code measured} shows that this confinement did not get: a QEMU asked for a sandbox runs
   * without a seccomp filter, or runs as another user than the account it was to drop to.
   */
  public Optional<String> mismatch(ProcessConfinement measured) {
    List<String> wrong = new ArrayList<>();
    if (sandbox.isPresent() && !measured.filtered()) {
      wrong.add("asked for -sandbox " + sandbox.get() + " but Seccomp is " + measured.seccomp());
    }
    user.ifPresent(
        u -> {
          if (measured.uid() != u.uid()
              || measured.realUid() != u.uid()
              || measured.gid() != u.gid()) {
            wrong.add(
                "asked to drop to "
                    + u
                    + " but runs as uid "
                    + measured.realUid()
                    + "/"
                    + measured.uid()
                    + " gid "
                    + measured.gid());
          }
        });
    return wrong.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "QEMU pid "
                + measured.pid()
                + " is not confined as asked ("
                + String.join("; ", wrong)
                + "; /proc/"
                + measured.pid()
                + "/status)");
  }

  /** {@code -sandbox on,... -runas 999:999 (pvh-qemu)}, or why there is nothing. */
  public String describe() {
    if (sandbox.isEmpty() && user.isEmpty()) {
      return "unconfined";
    }
    return String.join(" ", qemuArgs()) + user.map(u -> " (" + u.name() + ")").orElse("");
  }

  /** The effective uid of this JVM, read once. */
  static final class HarnessUser {
    static final int UID = ProcessConfinement.self().uid();

    private HarnessUser() {}
  }
}
