package dev.pvpanic.harness.image.debian;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * An OpenPGP key made inside a test (Ed25519: fast to generate), shaped like Debian's archive keys:
 * a certifying primary key and, optionally, a signing subkey that does the signing.
 */
final class TestSigningKey {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final PGPPublicKeyRing publicRing;
  private final PGPKeyPair signer;

  private TestSigningKey(PGPPublicKeyRing publicRing, PGPKeyPair signer) {
    this.publicRing = publicRing;
    this.signer = signer;
  }

  /** A key whose primary signs, created now, never expiring. */
  static TestSigningKey generate(String userId) {
    return generate(userId, false, new Date(), 0);
  }

  /**
   * A key created at {@code created}, expiring {@code validSeconds} later (0: never), signing with
   * a subkey when {@code signingSubkey}.
   */
  static TestSigningKey generate(
      String userId, boolean signingSubkey, Date created, long validSeconds) {
    try {
      PGPKeyPair primary = newPair(created);
      PGPSignatureSubpacketGenerator primaryFlags = new PGPSignatureSubpacketGenerator();
      primaryFlags.setKeyFlags(
          false, KeyFlags.CERTIFY_OTHER | (signingSubkey ? 0 : KeyFlags.SIGN_DATA));
      if (validSeconds > 0) {
        primaryFlags.setKeyExpirationTime(false, validSeconds);
      }
      PGPKeyRingGenerator rings =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              primary,
              userId,
              new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
              primaryFlags.generate(),
              null,
              new BcPGPContentSignerBuilder(
                  PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512),
              null);
      PGPKeyPair signer = primary;
      if (signingSubkey) {
        signer = newPair(created);
        PGPSignatureSubpacketGenerator subFlags = new PGPSignatureSubpacketGenerator();
        subFlags.setKeyFlags(false, KeyFlags.SIGN_DATA);
        if (validSeconds > 0) {
          subFlags.setKeyExpirationTime(false, validSeconds);
        }
        rings.addSubKey(signer, subFlags.generate(), null);
      }
      return new TestSigningKey(rings.generatePublicKeyRing(), signer);
    } catch (PGPException e) {
      throw new IllegalStateException("cannot generate a test key", e);
    }
  }

  private static PGPKeyPair newPair(Date created) throws PGPException {
    Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
    generator.init(new Ed25519KeyGenerationParameters(RANDOM));
    return new BcPGPKeyPair(
        PublicKeyPacket.VERSION_4,
        PublicKeyAlgorithmTags.EDDSA_LEGACY,
        generator.generateKeyPair(),
        created);
  }

  PGPPublicKeyRing publicRing() {
    return publicRing;
  }

  /** The id of the key that signs (the subkey when there is one). */
  String signingKeyId() {
    return ArchiveKeyring.keyId(signer.getKeyID());
  }

  String primaryKeyId() {
    return ArchiveKeyring.keyId(publicRing.getPublicKey().getKeyID());
  }

  ArchiveKeyring asKeyring() {
    return ArchiveKeyring.of(List.of(publicRing));
  }

  byte[] publicRingBinary() {
    try {
      return publicRing.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String publicRingArmored() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
      publicRing.encode(armored);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** {@code text} clearsigned by each of {@code keys}, as the archive writes InRelease. */
  static String clearSign(String text, TestSigningKey... keys) {
    List<String> lines = InReleaseVerifier.canonicalLines(text);
    byte[] signed = String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
    List<PGPSignature> signatures = new ArrayList<>();
    for (TestSigningKey key : keys) {
      signatures.add(key.sign(signed));
    }
    StringBuilder out = new StringBuilder("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n");
    for (String line : lines) {
      out.append(line.startsWith("-") ? "- " + line : line).append('\n');
    }
    ByteArrayOutputStream armor = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(armor)) {
      for (PGPSignature signature : signatures) {
        signature.encode(armored);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append(armor.toString(StandardCharsets.US_ASCII)).toString();
  }

  private PGPSignature sign(byte[] canonicalText) {
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new BcPGPContentSignerBuilder(
                  PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512),
              signer.getPublicKey());
      generator.init(PGPSignature.CANONICAL_TEXT_DOCUMENT, signer.getPrivateKey());
      generator.update(canonicalText);
      return generator.generate();
    } catch (PGPException e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }
}
