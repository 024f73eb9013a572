package dev.pvpanic.harness.image.debian;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Verifies a clearsigned InRelease against an {@link ArchiveKeyring}, the way apt does: at least
 * one signature must be by a known key that was valid (not expired, not revoked) when it signed,
 * and no signature by a known key may fail, which would mean the text was altered. Signatures by
 * unknown keys are ignored when a good one is present (the archive signs with the current and next
 * keys). Only the signed text is returned; anything around it is dropped.
 */
public final class InReleaseVerifier {

  private static final String BEGIN_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----";
  // Digests too weak to trust a signature over (apt refuses these too).
  private static final Set<Integer> WEAK_DIGESTS =
      Set.of(HashAlgorithmTags.MD5, HashAlgorithmTags.SHA1, HashAlgorithmTags.RIPEMD160);

  private final ArchiveKeyring keyring;

  public InReleaseVerifier(ArchiveKeyring keyring) {
    this.keyring = keyring;
  }

  /** Verifies {@code inRelease} (the bytes of {@code dists/<suite>/InRelease}). */
  public VerifiedInRelease verify(String suite, byte[] inRelease) {
    ClearSigned message = readClearSigned(suite, inRelease);
    List<String> good = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (PGPSignature signature : message.signatures()) {
      String keyId = ArchiveKeyring.keyId(signature.getKeyID());
      PGPPublicKeyRing ring = keyring.ringOf(signature.getKeyID()).orElse(null);
      if (ring == null) {
        unknown.add(keyId);
        continue;
      }
      PGPPublicKey key = ring.getPublicKey(signature.getKeyID());
      if (!matches(signature, key, message.signedBytes())) {
        throw new InReleaseRefusedException(
            suite,
            List.of(keyId),
            "the signature by key "
                + keyId
                + " does not match the text: the file was altered or is corrupt");
      }
      String problem = validityProblem(signature, ring, key);
      if (problem != null) {
        unusable.add(keyId + " (" + problem + ")");
      } else {
        good.add(keyId);
      }
    }
    if (good.isEmpty()) {
      List<String> involved = new ArrayList<>(unknown);
      unusable.forEach(u -> involved.add(u.substring(0, u.indexOf(' '))));
      throw new InReleaseRefusedException(
          suite,
          involved,
          "no valid signature by a known archive key"
              + (unknown.isEmpty()
                  ? ""
                  : "; signed by unknown key(s) " + String.join(", ", unknown))
              + (unusable.isEmpty() ? "" : "; unusable: " + String.join(", ", unusable))
              + ". Known keys: "
              + keyring.describe()
              + ". If the archive moved to a new key, add it (verified) as an .asc file to "
              + ArchiveKeyring.PROJECT_KEYS);
    }
    return new VerifiedInRelease(suite, message.text(), good);
  }

  private static boolean matches(PGPSignature signature, PGPPublicKey key, byte[] signed) {
    try {
      signature.init(new BcPGPContentVerifierBuilderProvider(), key);
      signature.update(signed);
      return signature.verify();
    } catch (PGPException | RuntimeException e) {
      // A signature that cannot even be checked against its claimed key counts as not matching.
      return false;
    }
  }

  /** Why a matching signature still cannot be trusted, or null when it can. */
  private static String validityProblem(
      PGPSignature signature, PGPPublicKeyRing ring, PGPPublicKey key) {
    if (signature.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
      return "not a text signature, type " + signature.getSignatureType();
    }
    if (WEAK_DIGESTS.contains(signature.getHashAlgorithm())) {
      return "weak digest algorithm " + signature.getHashAlgorithm();
    }
    Date made = signature.getCreationTime();
    for (PGPPublicKey k : List.of(ring.getPublicKey(), key)) {
      if (k.hasRevocation()) {
        return "key " + ArchiveKeyring.keyId(k.getKeyID()) + " is revoked";
      }
      if (made.before(k.getCreationTime())) {
        return "signature predates key " + ArchiveKeyring.keyId(k.getKeyID());
      }
      long validSeconds = k.getValidSeconds();
      if (validSeconds > 0
          && made.getTime() > k.getCreationTime().getTime() + validSeconds * 1000L) {
        return "key " + ArchiveKeyring.keyId(k.getKeyID()) + " had expired when it signed";
      }
    }
    return null;
  }

  private record ClearSigned(String text, byte[] signedBytes, List<PGPSignature> signatures) {}

  private static ClearSigned readClearSigned(String suite, byte[] inRelease) {
    String head =
        new String(inRelease, 0, Math.min(inRelease.length, 200), StandardCharsets.UTF_8).strip();
    if (!head.startsWith(BEGIN_SIGNED)) {
      throw new InReleaseRefusedException(
          suite,
          List.of(),
          "not an OpenPGP clearsigned message (does not start with " + BEGIN_SIGNED + ")");
    }
    try (ArmoredInputStream armored =
        ArmoredInputStream.builder().build(new ByteArrayInputStream(inRelease))) {
      ByteArrayOutputStream clearText = new ByteArrayOutputStream();
      int c = armored.read();
      // In clear-text mode the stream yields the dash-unescaped text until the signature armor.
      while (c != -1 && armored.isClearText()) {
        clearText.write(c);
        c = armored.read();
      }
      List<PGPSignature> signatures = new ArrayList<>();
      BcPGPObjectFactory objects = new BcPGPObjectFactory(armored);
      for (Object o; (o = objects.nextObject()) != null; ) {
        if (o instanceof PGPSignatureList list) {
          list.forEach(signatures::add);
        }
      }
      if (signatures.isEmpty()) {
        throw new InReleaseRefusedException(suite, List.of(), "it carries no signature");
      }
      // ISO-8859-1 maps bytes 1:1, so the signed bytes are exactly what the archive hashed.
      List<String> lines = canonicalLines(clearText.toString(StandardCharsets.ISO_8859_1));
      byte[] signedBytes = String.join("\r\n", lines).getBytes(StandardCharsets.ISO_8859_1);
      byte[] textBytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.ISO_8859_1);
      return new ClearSigned(
          new String(textBytes, StandardCharsets.UTF_8), signedBytes, signatures);
    } catch (IOException | RuntimeException e) {
      if (e instanceof InReleaseRefusedException refused) {
        throw refused;
      }
      throw new InReleaseRefusedException(
          suite, List.of(), "not a readable clearsigned message: " + e.getMessage());
    }
  }

  /**
   * The lines a clearsignature covers (RFC 4880 section 7.1): trailing spaces and tabs removed, and
   * the line break before the signature armor not part of the text.
   */
  static List<String> canonicalLines(String clearText) {
    String text = clearText.replace("\r\n", "\n");
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      lines.add(line.replaceAll("[ \\t\\r]+$", ""));
    }
    return lines;
  }
}
