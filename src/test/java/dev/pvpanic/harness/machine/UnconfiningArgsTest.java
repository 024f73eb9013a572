package dev.pvpanic.harness.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** qemu_args that would undo the confinement are named with what would be valid. */
class UnconfiningArgsTest {

  private static String refused(String args) {
    return UnconfiningArgs.find(List.of(args.split(" ")))
        .orElseThrow(() -> new AssertionError("not refused: " + args));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-sandbox off",
        "-sandbox on,spawn=allow",
        "--sandbox off",
        "-runas root",
        "-run-with user=root",
        "-netdev user,id=n0",
        "-nic user",
        "-net nic",
        "-virtfs local,path=/,mount_tag=h,security_model=none",
        "-fsdev local,id=f,path=/",
        "-chardev socket,id=c,path=/tmp/elsewhere.sock,server=on",
        "-chardev file,id=f,path=/etc/passwd",
        "-chardev socket,id=t,host=0.0.0.0,port=4444,server=on",
        "-chardev pty,id=p",
        "-parallel file:/tmp/lp",
        "-debugcon tcp::4444,server",
        "-D /etc/shadow",
        "-readconfig /tmp/qemu.cfg",
        "-set chardev.console.path=/tmp/elsewhere.sock",
        "-trace enable=qmp*,file=/etc/cron.d/x",
        "-object filter-dump,id=d,netdev=n0,file=/tmp/dump.pcap",
        "-object input-linux,id=kbd,evdev=/dev/input/event0",
        "-daemonize"
      })
  void isRefusedNamingIt(String args) {
    String why = refused(args);
    assertTrue(why.startsWith("qemu_args '" + args + "' "), why);
    assertTrue(why.contains("valid:") || why.contains("valid backends:"), why);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-global pvpanic-pci.events=1",
        "-no-shutdown",
        "-action panic=pause",
        "-device i6300esb",
        "-chardev ringbuf,id=r -debugcon chardev:r",
        "-chardev null,id=n",
        "-parallel none",
        "-trace enable=qmp*",
        "-object memory-backend-ram,id=m,size=512M",
        "-chroot /var/empty"
      })
  void isTaken(String args) {
    assertEquals(Optional.empty(), UnconfiningArgs.find(List.of(args.split(" "))));
  }

  @Test
  void theMessageSaysWhatIsValidAndHowToInsist() {
    String why = refused("-chardev file,id=f,path=/etc/passwd");
    assertTrue(why.contains("opens a host 'file' outside the machine's private run folder"), why);
    assertTrue(why.contains("valid backends: memory, null, ringbuf, stdio"), why);
    assertTrue(why.contains("--allow-unconfined"), why);
  }
}
