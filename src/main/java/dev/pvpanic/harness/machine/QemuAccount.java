package dev.pvpanic.harness.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The unprivileged account a QEMU started by root drops to: {@code pvh-qemu} (made by {@code
 * ci/setup.sh}: no home, no shell, no other use), else {@code nobody}. QEMU is given the numeric
 * {@code uid:gid}, so it needs no account database of its own (a Debian build runs with its own C
 * library, a container has its own {@code /etc/passwd}) and gets exactly that one group.
 */
public record QemuAccount(String name, int uid, int gid) {
  private static final Path PASSWD = Path.of("/etc/passwd");

  public QemuAccount {
    Objects.requireNonNull(name, "name");
    if (uid == 0 || gid == 0) {
      throw new IllegalArgumentException("account " + name + " is root: QEMU must not run as it");
    }
  }

  /** The first of {@code names} that {@code /etc/passwd} has (and that is not root). */
  public static Optional<QemuAccount> find(List<String> names) {
    try {
      return find(names, Files.readString(PASSWD));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The first of {@code names} in {@code passwd} ({@code name:x:uid:gid:...} lines). */
  static Optional<QemuAccount> find(List<String> names, String passwd) {
    for (String wanted : names) {
      for (String line : passwd.split("\n")) {
        String[] f = line.split(":", -1);
        if (f.length >= 4 && f[0].equals(wanted)) {
          try {
            int uid = Integer.parseInt(f[2]);
            int gid = Integer.parseInt(f[3]);
            if (uid != 0 && gid != 0) {
              return Optional.of(new QemuAccount(wanted, uid, gid));
            }
          } catch (NumberFormatException e) {
            // a malformed line is no account
          }
        }
      }
    }
    return Optional.empty();
  }

  /** {@code 999:999}, the form {@code -runas} and {@code -run-with user=} take. */
  public String uidGid() {
    return uid + ":" + gid;
  }

  @Override
  public String toString() {
    return name + " (" + uidGid() + ")";
  }
}
