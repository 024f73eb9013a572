package dev.pvpanic.harness.image.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InReleaseVerifierTest {

  static TestSigningKey archiveKey;
  static TestSigningKey strangerKey;

  @BeforeAll
  static void keys() {
    archiveKey = TestSigningKey.generate("Test Archive Automatic Signing Key", true, new Date(), 0);
    strangerKey = TestSigningKey.generate("Someone Else");
  }

  @Test
  void acceptsTextSignedByASigningSubkeyOfAKnownKey() {
    byte[] inRelease =
        TestSigningKey.clearSign(ReleaseTest.RELEASE, archiveKey).getBytes(StandardCharsets.UTF_8);

    VerifiedInRelease verified =
        new InReleaseVerifier(archiveKey.asKeyring()).verify("sid", inRelease);

    assertEquals(ReleaseTest.RELEASE, verified.text());
    assertEquals(List.of(archiveKey.signingKeyId()), verified.signingKeyIds());
    Release release = verified.release();
    assertEquals("unstable", release.suite());
    assertEquals("sid", release.codename());
    assertTrue(release.acquireByHash());
    assertEquals(
        new IndexedFile(
            "main/binary-amd64/Packages.xz",
            10824484,
            "28476c952cd0732e0ba28e3c14fbb9a8beb412eb2b3cb96bf9d067d54caacf1b"),
        release.file("main/binary-amd64/Packages.xz").orElseThrow());
  }

  @Test
  void refusesTextWithOneByteChanged() {
    String signed = TestSigningKey.clearSign(ReleaseTest.RELEASE, archiveKey);
    byte[] tampered = signed.getBytes(StandardCharsets.UTF_8);
    int at = signed.indexOf("64988655");
    tampered[at] = '7'; // the uncompressed Packages size: a quiet, plausible edit

    InReleaseRefusedException e =
        assertThrows(
            InReleaseRefusedException.class,
            () -> new InReleaseVerifier(archiveKey.asKeyring()).verify("sid", tampered));

    assertEquals("sid", e.suite());
    assertEquals(List.of(archiveKey.signingKeyId()), e.keyIds());
    assertTrue(e.getMessage().contains("does not match the text"), e.getMessage());
    assertTrue(e.getMessage().contains(archiveKey.signingKeyId()), e.getMessage());
  }

  @Test
  void refusesTextSignedOnlyByAnUnknownKey() {
    byte[] inRelease =
        TestSigningKey.clearSign(ReleaseTest.RELEASE, strangerKey).getBytes(StandardCharsets.UTF_8);

    InReleaseRefusedException e =
        assertThrows(
            InReleaseRefusedException.class,
            () -> new InReleaseVerifier(archiveKey.asKeyring()).verify("experimental", inRelease));

    assertEquals("experimental", e.suite());
    assertEquals(List.of(strangerKey.signingKeyId()), e.keyIds());
    assertTrue(
        e.getMessage().contains("unknown key(s) " + strangerKey.signingKeyId()), e.getMessage());
    assertTrue(e.getMessage().contains("images/keys"), e.getMessage());
  }

  @Test
  void acceptsWhenOneOfTwoSignersIsKnown() {
    // The archive signs with its current and next key; a client knowing one of them is fine.
    byte[] inRelease =
        TestSigningKey.clearSign(ReleaseTest.RELEASE, strangerKey, archiveKey)
            .getBytes(StandardCharsets.UTF_8);

    VerifiedInRelease verified =
        new InReleaseVerifier(archiveKey.asKeyring()).verify("sid", inRelease);

    assertEquals(List.of(archiveKey.signingKeyId()), verified.signingKeyIds());
  }

  @Test
  void refusesASignatureMadeAfterTheKeyExpired() {
    Date tenDaysAgo = new Date(System.currentTimeMillis() - 10L * 24 * 3600 * 1000);
    TestSigningKey expired = TestSigningKey.generate("Expired Key", true, tenDaysAgo, 24 * 3600);
    byte[] inRelease =
        TestSigningKey.clearSign(ReleaseTest.RELEASE, expired).getBytes(StandardCharsets.UTF_8);

    InReleaseRefusedException e =
        assertThrows(
            InReleaseRefusedException.class,
            () -> new InReleaseVerifier(expired.asKeyring()).verify("sid", inRelease));

    assertTrue(e.getMessage().contains("expired"), e.getMessage());
  }

  @Test
  void returnsOnlyTheSignedTextAndUndoesDashEscaping() {
    String text =
        "Suite: unstable\nCodename: sid\nDescription: x\n -- a line starting with dashes\n";
    String signed = "garbage that is not signed\n" + TestSigningKey.clearSign(text, archiveKey);

    // Text before the armor is refused outright (apt does the same).
    assertThrows(
        InReleaseRefusedException.class,
        () ->
            new InReleaseVerifier(archiveKey.asKeyring())
                .verify("sid", signed.getBytes(StandardCharsets.UTF_8)));

    String escaped = TestSigningKey.clearSign("-Dashed: yes\n" + text, archiveKey);
    assertTrue(escaped.contains("\n- -Dashed: yes\n"), escaped);
    VerifiedInRelease verified =
        new InReleaseVerifier(archiveKey.asKeyring())
            .verify("sid", escaped.getBytes(StandardCharsets.UTF_8));
    assertEquals("-Dashed: yes\n" + text, verified.text());
  }

  @Test
  void refusesSomethingThatIsNotClearsigned() {
    InReleaseRefusedException e =
        assertThrows(
            InReleaseRefusedException.class,
            () ->
                new InReleaseVerifier(archiveKey.asKeyring())
                    .verify("sid", "<html>captive portal</html>".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("not an OpenPGP clearsigned message"), e.getMessage());
  }

  @Test
  void keyringLoadsBinaryAndArmoredKeysFromAFolder(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("archive.gpg"), archiveKey.publicRingBinary());
    Files.writeString(dir.resolve("other.asc"), strangerKey.publicRingArmored());
    Files.writeString(dir.resolve("README.md"), "not a key");

    ArchiveKeyring keyring = ArchiveKeyring.load(List.of(dir.resolve("missing.gpg"), dir));

    assertEquals(List.of(dir.resolve("archive.gpg"), dir.resolve("other.asc")), keyring.sources());
    assertEquals(2, keyring.rings().size());
    assertArrayEquals(
        archiveKey.publicRing().getPublicKey().getFingerprint(),
        keyring
            .publicKey(archiveKey.publicRing().getPublicKey().getKeyID())
            .orElseThrow()
            .getFingerprint());
    byte[] inRelease =
        TestSigningKey.clearSign(ReleaseTest.RELEASE, strangerKey).getBytes(StandardCharsets.UTF_8);
    assertEquals(
        List.of(strangerKey.signingKeyId()),
        new InReleaseVerifier(keyring).verify("sid", inRelease).signingKeyIds());
  }

  @Test
  void keyringWithNoKeysSaysWhereToPutThem(@TempDir Path dir) {
    DebianArchiveException e =
        assertThrows(DebianArchiveException.class, () -> ArchiveKeyring.load(List.of(dir)));
    assertTrue(e.getMessage().contains("debian-archive-keyring"), e.getMessage());
  }
}
