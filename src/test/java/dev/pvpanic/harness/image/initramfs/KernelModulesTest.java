package dev.pvpanic.harness.image.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.pvpanic.harness.elf.ElfImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

class KernelModulesTest {

  private static final byte[] MODULE = ElfImage.x86_64(null).bytes();

  @TempDir Path root;

  private interface Compressor {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  @Test
  void decompressesXzZstdAndGzipAndPassesPlainThrough() throws IOException {
    // the kernel's xz modules use CRC32 checks; any check must do
    byte[] xz = compress(out -> new XZOutputStream(out, new LZMA2Options(), XZ.CHECK_CRC32));
    byte[] zst = compress(ZstdOutputStream::new);
    byte[] gz = compress(GZIPOutputStream::new);

    assertArrayEquals(MODULE, KernelModules.decompress("pvpanic.ko.xz", xz));
    assertArrayEquals(MODULE, KernelModules.decompress("pvpanic.ko.zst", zst));
    assertArrayEquals(MODULE, KernelModules.decompress("pvpanic.ko.gz", gz));
    assertArrayEquals(MODULE, KernelModules.decompress("pvpanic.ko", MODULE));
  }

  @Test
  void rejectsWhatIsNoModule() throws IOException {
    byte[] notElf = compress(GZIPOutputStream::new, "text, not ELF".getBytes());
    InitramfsException e =
        assertThrows(
            InitramfsException.class, () -> KernelModules.decompress("bogus.ko.gz", notElf));
    assertTrue(e.getMessage().contains("bogus.ko.gz"), e.getMessage());

    byte[] corrupt = compress(GZIPOutputStream::new);
    byte[] truncated = Arrays.copyOf(corrupt, corrupt.length / 2);
    assertThrows(InitramfsException.class, () -> KernelModules.decompress("cut.ko.gz", truncated));
  }

  @Test
  void findsModulesByNameUnderEitherTree() throws IOException {
    Path old = root.resolve("lib/modules/6.1.0-28-amd64/kernel/drivers/misc/pvpanic");
    Files.createDirectories(old);
    Files.write(
        old.resolve("pvpanic-pci.ko.xz"),
        compress(out -> new XZOutputStream(out, new LZMA2Options(), XZ.CHECK_CRC32)));
    Files.write(old.resolve("pvpanic-mmio.ko.xz"), new byte[] {1});

    KernelModules modules = KernelModules.in(root);
    assertEquals("6.1.0-28-amd64", modules.release());
    assertEquals(Optional.of(old.resolve("pvpanic-pci.ko.xz")), modules.locate("pvpanic_pci"));
    assertEquals(old.resolve("pvpanic-pci.ko.xz"), modules.find("pvpanic-pci"));
    assertArrayEquals(MODULE, modules.plain("pvpanic-pci"));
    assertEquals(Optional.empty(), modules.locate("pvpanic"));
    InitramfsException missing =
        assertThrows(InitramfsException.class, () -> modules.find("virtio_blk"));
    assertTrue(missing.getMessage().contains("virtio_blk"), missing.getMessage());

    Path usr = root.resolve("usr/lib/modules/7.2.0-1-amd64/kernel/drivers/misc");
    Files.createDirectories(usr);
    Files.write(usr.resolve("pvpanic.ko.zst"), compress(ZstdOutputStream::new));
    KernelModules seven = KernelModules.in(root, "7.2.0-1-amd64");
    assertEquals(usr.resolve("pvpanic.ko.zst"), seven.find("pvpanic"));

    // two releases now: the caller has to choose
    InitramfsException two = assertThrows(InitramfsException.class, () -> KernelModules.in(root));
    assertTrue(two.getMessage().contains("7.2.0-1-amd64"), two.getMessage());
    InitramfsException absent =
        assertThrows(InitramfsException.class, () -> KernelModules.in(root, "5.10.0-30-amd64"));
    assertTrue(absent.getMessage().contains("6.1.0-28-amd64"), absent.getMessage());
  }

  @Test
  void ordersDependenciesFromModulesDep() throws IOException {
    Path dir = root.resolve("lib/modules/6.12.0-1-amd64");
    Path misc = dir.resolve("kernel/drivers/misc/pvpanic");
    Files.createDirectories(misc);
    Files.write(misc.resolve("pvpanic.ko.xz"), new byte[] {1});
    Files.write(misc.resolve("pvpanic-pci.ko.xz"), new byte[] {1});
    Files.write(misc.resolve("helper.ko.xz"), new byte[] {1});
    Files.writeString(
        dir.resolve("modules.dep"),
        "kernel/drivers/misc/pvpanic/helper.ko.xz:\n"
            + "kernel/drivers/misc/pvpanic/pvpanic-pci.ko.xz:"
            + " kernel/drivers/misc/pvpanic/pvpanic.ko.xz kernel/drivers/misc/pvpanic/helper.ko.xz\n");

    KernelModules modules = KernelModules.in(root, "6.12.0-1-amd64");

    assertEquals(
        List.of(
            misc.resolve("helper.ko.xz"),
            misc.resolve("pvpanic.ko.xz"),
            misc.resolve("pvpanic-pci.ko.xz")),
        modules.withDependencies("pvpanic-pci"));
    assertEquals(List.of(misc.resolve("helper.ko.xz")), modules.withDependencies("helper"));
  }

  @Test
  void moduleNameStripsEverySuffix() {
    assertEquals(
        Optional.of("pvpanic-pci"), KernelModules.moduleName(Path.of("pvpanic-pci.ko.xz")));
    assertEquals(Optional.of("pvpanic"), KernelModules.moduleName(Path.of("a/pvpanic.ko")));
    assertEquals(Optional.of("x"), KernelModules.moduleName(Path.of("x.ko.zst")));
    assertEquals(Optional.empty(), KernelModules.moduleName(Path.of("modules.dep")));
  }

  private static byte[] compress(Compressor compressor) throws IOException {
    return compress(compressor, MODULE);
  }

  private static byte[] compress(Compressor compressor, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = compressor.wrap(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }
}
