package dev.pvpanic.harness.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small fake Linux build folders: a boot image with only its header (what {@link KernelImageFormat}
 * reads), a .config, kernel.release, System.map, and a Makefile standing in for kbuild's (its
 * modules_install writes the modules named, or fails).
 */
final class BuildTreeFixture {
  static final String RELEASE = "7.2.13-pvh";

  private BuildTreeFixture() {}

  /** An x86 bzImage header naming {@code release} through its kernel_version field. */
  static byte[] bzImage(String release) {
    byte[] image = new byte[0x800];
    byte[] magic = {'H', 'd', 'r', 'S'};
    System.arraycopy(magic, 0, image, 0x202, 4);
    int version = 0x400; // file offset of the string; the field holds it minus 0x200
    image[0x20e] = (byte) ((version - 0x200) & 0xff);
    image[0x20f] = (byte) ((version - 0x200) >> 8);
    byte[] text = (release + " (builder@host) #1 SMP").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, image, version, text.length);
    return image;
  }

  /** An arm64 Image header. */
  static byte[] arm64Image() {
    byte[] image = new byte[0x400];
    byte[] magic = {'A', 'R', 'M', 0x64};
    System.arraycopy(magic, 0, image, 0x38, 4);
    return image;
  }

  /**
   * An x86_64 build folder with {@code config} lines appended to a minimal config, and a Makefile
   * whose modules_install installs {@code modules} (paths under kernel/) or, when {@code null},
   * fails saying "no modules.order".
   */
  static Path x86Tree(Path folder, String config, String... modules) {
    try {
      Files.createDirectories(folder.resolve("arch/x86/boot"));
      Files.write(folder.resolve("arch/x86/boot/bzImage"), bzImage(RELEASE));
      Files.writeString(
          folder.resolve(".config"),
          "CONFIG_X86_64=y\nCONFIG_64BIT=y\nCONFIG_CC_VERSION_TEXT=\"gcc (Debian 12.2.0-14) 12.2.0\"\n"
              + config);
      Files.createDirectories(folder.resolve("include/config"));
      Files.writeString(folder.resolve("include/config/kernel.release"), RELEASE + "\n");
      Files.writeString(folder.resolve("System.map"), "ffffffff81000000 T _text\n");
      StringBuilder make = new StringBuilder("modules_install:\n");
      if (modules == null) {
        make.append("\t@echo 'ERROR: no modules.order: run make modules first'; exit 2\n");
      } else {
        String dir = "$(INSTALL_MOD_PATH)/lib/modules/" + RELEASE;
        make.append("\tmkdir -p ").append(dir).append("\n");
        make.append("\techo kernel/x.ko > ").append(dir).append("/modules.order\n");
        for (String m : modules) {
          String to = dir + "/kernel/" + m;
          make.append("\tmkdir -p $$(dirname ").append(to).append(")\n");
          make.append("\techo module-").append(m).append(" > ").append(to).append("\n");
        }
      }
      Files.writeString(folder.resolve("Makefile"), make.toString());
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
