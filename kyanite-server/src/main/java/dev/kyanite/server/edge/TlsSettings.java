package dev.kyanite.server.edge;

import dev.kyanite.server.ServerKeys;
import dev.kyanite.server.config.Config;
import dev.kyanite.server.config.ConfigException;
import dev.kyanite.server.config.ConfigKey;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the TLS settings ({@code tls.cert}, {@code tls.key}, {@code tls.self-signed}) before the
 * server opens anything. A bad certificate or key is a configuration error: the server must stop
 * with exit code 2 before it creates or locks the data dir, and must never start with a key that
 * does not belong to its certificate (it would say ready while every handshake fails).
 *
 * <p>{@link #check} throws a {@link ConfigException} naming the setting and the file when: only one
 * of cert and key is set; self-signed is combined with them; a file is missing or unreadable; the
 * certificate file holds no parsable PEM certificate; the key file holds no PEM private key, an
 * encrypted one (unsupported), or one that cannot be parsed; or the key does not belong to the
 * first (leaf) certificate. {@link Pem} reads the same key forms the listener (Vert.x) loads.
 */
public final class TlsSettings {
  private TlsSettings() {}

  /**
   * Validates the TLS settings; reads the PEM files but changes nothing.
   *
   * @throws ConfigException naming the setting (and the file) that is wrong
   */
  public static void check(Config config) {
    Path cert = config.get(ServerKeys.TLS_CERT);
    Path key = config.get(ServerKeys.TLS_KEY);
    if (cert != null && key == null) throw error(config, ServerKeys.TLS_CERT, "needs tls.key (the certificate's private key)");
    if (key != null && cert == null) throw error(config, ServerKeys.TLS_KEY, "needs tls.cert (the certificate it belongs to)");
    if (cert != null && config.get(ServerKeys.TLS_SELF_SIGNED)) {
      throw error(config, ServerKeys.TLS_SELF_SIGNED, "cannot be combined with tls.cert/tls.key; use one or the other");
    }
    if (cert == null) return;
    byte[] certPem = read(config, ServerKeys.TLS_CERT, cert);
    byte[] keyPem = read(config, ServerKeys.TLS_KEY, key);
    X509Certificate leaf = leafCertificate(config, cert, certPem);
    PrivateKey privateKey = privateKey(config, key, keyPem);
    if (!belongTogether(privateKey, leaf.getPublicKey())) {
      throw error(config, ServerKeys.TLS_KEY, where(key) + " is not the private key of the certificate in tls.cert "
          + where(cert) + " (" + leaf.getSubjectX500Principal().getName() + "); every TLS handshake would fail");
    }
  }

  private static byte[] read(Config config, ConfigKey<Path> setting, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw error(config, setting, where(file) + " does not exist");
    } catch (AccessDeniedException e) {
      throw error(config, setting, where(file) + " cannot be read: permission denied");
    } catch (IOException e) {
      throw error(config, setting, where(file) + " cannot be read: " + e.getMessage());
    }
  }

  private static X509Certificate leafCertificate(Config config, Path file, byte[] pem) {
    List<X509Certificate> chain = new ArrayList<>();
    for (Pem.Block b : Pem.blocks(pem)) {
      if (!b.label().equals("CERTIFICATE")) continue;
      try {
        chain.add(Pem.certificate(b));
      } catch (CertificateException e) {
        throw error(config, ServerKeys.TLS_CERT, where(file) + ": certificate " + (chain.size() + 1)
            + " cannot be parsed: " + e.getMessage());
      }
    }
    if (chain.isEmpty()) {
      throw error(config, ServerKeys.TLS_CERT, where(file) + " is not a PEM certificate (no -----BEGIN CERTIFICATE----- block)");
    }
    return chain.get(0);
  }

  private static PrivateKey privateKey(Config config, Path file, byte[] pem) {
    List<Pem.Block> blocks = Pem.blocks(pem);
    if (blocks.stream().anyMatch(Pem.Block::encrypted)) {
      throw error(config, ServerKeys.TLS_KEY, where(file) + " is an encrypted private key, which is not supported;"
          + " decrypt it (e.g. openssl pkey -in key.pem -out plain.pem) and protect the file with its permissions");
    }
    Pem.Block key = blocks.stream().filter(b -> Pem.KEY_LABELS.contains(b.label())).findFirst()
        .orElseThrow(() -> error(config, ServerKeys.TLS_KEY, where(file) + " is not a PEM private key"
            + " (no -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY block)"));
    try {
      return Pem.privateKey(key);
    } catch (GeneralSecurityException e) {
      throw error(config, ServerKeys.TLS_KEY, where(file) + ": the " + key.label() + " block cannot be parsed"
          + " as an RSA or EC key: " + e.getMessage());
    }
  }

  /**
   * Whether the private key belongs to the public key: a random value signed with one verifies
   * with the other. Simpler than comparing key internals, which differ per key type.
   */
  static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) return false;
    String algorithm = privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA"; // Pem reads only these
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String where(Path file) {
    return file.toAbsolutePath().toString();
  }

  private static ConfigException error(Config config, ConfigKey<?> setting, String problem) {
    return new ConfigException(setting.name() + " (from " + config.source(setting) + "): " + problem);
  }
}
