package dev.kyanite.server.edge;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files read with the JDK alone: blocks, X.509 certificates, and RSA or EC private keys in the
 * three unencrypted forms the TLS listener (Vert.x) loads: {@code PRIVATE KEY} (PKCS#8),
 * {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (SEC1, with its curve). The JDK
 * only reads PKCS#8, so the other two are wrapped into PKCS#8 first. Stateless.
 */
final class Pem {
  static final List<String> KEY_LABELS = List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  private static final byte[] RSA_ALGORITHM = der(0x30, concat(
      new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01}, new byte[] {0x05, 0x00}));
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Pem() {}

  /** One {@code -----BEGIN label----- … -----END label-----} block; {@code body} may hold RFC 1421 headers. */
  record Block(String label, String body) {
    /** PKCS#8 {@code ENCRYPTED PRIVATE KEY} or a traditional OpenSSL key with {@code Proc-Type: 4,ENCRYPTED}. */
    boolean encrypted() {
      return label.contains("ENCRYPTED") || body.contains("Proc-Type: 4,ENCRYPTED");
    }

    byte[] der() {
      return Base64.getMimeDecoder().decode(body.trim());
    }
  }

  /** Every PEM block in the file, in order; text around them is ignored. */
  static List<Block> blocks(byte[] file) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(file, StandardCharsets.ISO_8859_1));
    while (m.find()) out.add(new Block(m.group(1), m.group(2)));
    return out;
  }

  static X509Certificate certificate(Block block) throws CertificateException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(block.der()));
    } catch (IllegalArgumentException e) {
      throw new CertificateException("invalid Base64: " + e.getMessage());
    }
  }

  /**
   * The RSA or EC key in a {@link #KEY_LABELS} block.
   *
   * @throws GeneralSecurityException when the block is not such a key
   */
  static PrivateKey privateKey(Block block) throws GeneralSecurityException {
    byte[] der;
    try {
      der = block.der();
    } catch (IllegalArgumentException e) {
      throw new InvalidKeySpecException("invalid Base64: " + e.getMessage());
    }
    return switch (block.label()) {
      case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(pkcs8(RSA_ALGORITHM, der));
      case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
          pkcs8(der(0x30, concat(EC_PUBLIC_KEY_OID, curve(der))), der));
      case "PRIVATE KEY" -> {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
          yield KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (InvalidKeySpecException notRsa) {
          try {
            yield KeyFactory.getInstance("EC").generatePrivate(spec);
          } catch (InvalidKeySpecException notEc) {
            throw new InvalidKeySpecException("neither an RSA nor an EC key in PKCS#8 form");
          }
        }
      }
      default -> throw new InvalidKeySpecException("not a private key block: " + block.label());
    };
  }

  /** PrivateKeyInfo: version 0, the algorithm, the key in its own form as an OCTET STRING. */
  private static PKCS8EncodedKeySpec pkcs8(byte[] algorithm, byte[] key) {
    return new PKCS8EncodedKeySpec(der(0x30, concat(VERSION_0, algorithm, der(0x04, key))));
  }

  /** The curve OID (tag [0], explicit) of a SEC1 ECPrivateKey: PKCS#8 wants it in the algorithm. */
  private static byte[] curve(byte[] sec1) throws InvalidKeySpecException {
    int[] seq = header(sec1, 0);
    if (sec1[0] != 0x30) throw new InvalidKeySpecException("SEC1 key is not a DER SEQUENCE");
    for (int at = seq[0]; at < seq[0] + seq[1]; ) {
      int[] child = header(sec1, at);
      if ((sec1[at] & 0xff) == 0xa0) return Arrays.copyOfRange(sec1, child[0], child[0] + child[1]);
      at = child[0] + child[1];
    }
    throw new InvalidKeySpecException("SEC1 key names no curve");
  }

  /** {content start, content length} of the DER element at {@code at}; checks the bounds. */
  private static int[] header(byte[] der, int at) throws InvalidKeySpecException {
    if (at + 2 > der.length) throw new InvalidKeySpecException("truncated DER");
    int len = der[at + 1] & 0xff;
    int start = at + 2;
    if (len >= 0x80) {
      int bytes = len & 0x7f;
      if (bytes == 0 || bytes > 3 || start + bytes > der.length) throw new InvalidKeySpecException("bad DER length");
      len = 0;
      for (int i = 0; i < bytes; i++) len = len << 8 | der[start++] & 0xff;
    }
    if (start + len > der.length) throw new InvalidKeySpecException("truncated DER");
    return new int[] {start, len};
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
