package dev.kyanite.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong TLS settings stop {@code kyanite serve} with exit code 2 and a message naming the setting
 * and the file, before the data dir is created. Without the check these started a server (a key
 * of another certificate: every handshake failed while it said ready) or failed at listen time
 * with exit 1 after the data dir, the log, SQLite and the first admin key had been written.
 */
class TlsConfigurationTest {
  @TempDir static Path files;
  static Pair rsa;
  static Pair otherRsa;
  static Pair ec;
  static Pair otherEc;
  @TempDir Path dir;
  Path dataDir;

  record Pair(Path cert, Path key) {}

  record Run(int exit, String err) {}

  @BeforeAll
  static void certificates() throws Exception {
    rsa = pair("rsa", "RSA", 2048);
    otherRsa = pair("other-rsa", "RSA", 2048);
    ec = pair("ec", "EC", 256);
    otherEc = pair("other-ec", "EC", 256);
  }

  @BeforeEach
  void dataDir() {
    dataDir = dir.resolve("data");
  }

  @SuppressWarnings("deprecation") // Netty's generator, the one tls.self-signed uses; fine for test files
  private static Pair pair(String name, String algorithm, int bits) throws Exception {
    var generated = new io.netty.handler.ssl.util.SelfSignedCertificate("localhost", algorithm, bits);
    try {
      Path cert = Files.copy(generated.certificate().toPath(), files.resolve(name + ".crt"));
      Path key = Files.copy(generated.privateKey().toPath(), files.resolve(name + ".key"));
      return new Pair(cert, key);
    } finally {
      generated.delete();
    }
  }

  private Run serve(String... tls) {
    String[] args = new String[7 + tls.length];
    String[] fixed = {"serve", "--exit-when-ready", "--port", "0", "--host", "127.0.0.1", "--data-dir=" + dataDir};
    System.arraycopy(fixed, 0, args, 0, 7);
    System.arraycopy(tls, 0, args, 7, tls.length);
    int[] exit = new int[1];
    String err = MainTest.captureErr(() -> exit[0] = Main.run(args));
    return new Run(exit[0], err);
  }

  private void refused(String setting, String problem, String... tls) {
    Run run = serve(tls);
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("invalid configuration: " + setting + " (from flag)", problem);
    assertThat(dataDir).as("the data dir is never created").doesNotExist();
  }

  private static String arg(Path p) {
    return p.toString();
  }

  @Test
  void certificateAndKeyComeTogether() {
    refused("tls.cert", "needs tls.key", "--tls-cert", arg(rsa.cert()));
    refused("tls.key", "needs tls.cert", "--tls-key", arg(rsa.key()));
  }

  @Test
  void selfSignedExcludesCertificateFiles() {
    refused("tls.self-signed", "cannot be combined", "--tls-self-signed", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(rsa.key()));
  }

  @Test
  void missingOrUnreadableFilesAreNamed() {
    Path nowhere = dir.resolve("nowhere.pem");
    refused("tls.cert", nowhere.toAbsolutePath() + " does not exist", "--tls-cert", arg(nowhere), "--tls-key", arg(rsa.key()));
    refused("tls.key", nowhere.toAbsolutePath() + " does not exist", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(nowhere));
    refused("tls.cert", dir.toAbsolutePath() + " cannot be read", "--tls-cert", arg(dir), "--tls-key", arg(rsa.key()));
  }

  @Test
  void filesThatAreNotPemAreNamed() throws Exception {
    Path der = Files.write(dir.resolve("cert.der"), Base64.getMimeDecoder().decode(
        Files.readString(rsa.cert()).replaceAll("-----[A-Z ]+-----", "")));
    refused("tls.cert", der.toAbsolutePath() + " is not a PEM certificate", "--tls-cert", arg(der), "--tls-key", arg(rsa.key()));
    // cert and key swapped: the first file checked is the certificate
    refused("tls.cert", rsa.key().toAbsolutePath() + " is not a PEM certificate",
        "--tls-cert", arg(rsa.key()), "--tls-key", arg(rsa.cert()));
    Path text = Files.writeString(dir.resolve("notes.txt"), "my key is in the vault\n");
    refused("tls.key", text.toAbsolutePath() + " is not a PEM private key", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(text));
  }

  @Test
  void damagedPemBlocksAreNamed() throws Exception {
    Path cert = Files.writeString(dir.resolve("damaged.crt"), "-----BEGIN CERTIFICATE-----\nMIIBbroken\n-----END CERTIFICATE-----\n");
    refused("tls.cert", cert.toAbsolutePath() + ": certificate 1 cannot be parsed", "--tls-cert", arg(cert), "--tls-key", arg(rsa.key()));
    Path key = Files.writeString(dir.resolve("damaged.key"), "-----BEGIN PRIVATE KEY-----\nMIIBbroken\n-----END PRIVATE KEY-----\n");
    refused("tls.key", key.toAbsolutePath() + ": the PRIVATE KEY block cannot be parsed", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(key));
    Path truncated = Files.writeString(dir.resolve("truncated.key"), "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIEYi8GZ5\n-----END EC PRIVATE KEY-----\n");
    refused("tls.key", truncated.toAbsolutePath() + ": the EC PRIVATE KEY block cannot be parsed", "--tls-cert", arg(ec.cert()),
        "--tls-key", arg(truncated));
  }

  @Test
  void encryptedKeysAreUnsupported() throws Exception {
    for (String name : new String[] {"rsa-encrypted-pkcs8.key", "rsa-encrypted-legacy.key"}) {
      Path key = fixture(name);
      refused("tls.key", key.toAbsolutePath() + " is an encrypted private key, which is not supported",
          "--tls-cert", arg(fixture("rsa-pkcs1.crt")), "--tls-key", arg(key));
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    refused("tls.key", otherRsa.key().toAbsolutePath() + " is not the private key of the certificate in tls.cert "
        + rsa.cert().toAbsolutePath(), "--tls-cert", arg(rsa.cert()), "--tls-key", arg(otherRsa.key()));
    refused("tls.key", "is not the private key of the certificate", "--tls-cert", arg(ec.cert()), "--tls-key", arg(otherEc.key()));
    refused("tls.key", "is not the private key of the certificate", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(ec.key()));
  }

  @Test
  void matchingPairsStartInEveryKeyFormAndTheLeafOfAChainIsWhatCounts() throws Exception {
    Path chain = Files.writeString(dir.resolve("chain.crt"), Files.readString(ec.cert()) + Files.readString(rsa.cert()));
    refused("tls.key", "is not the private key", "--tls-cert", arg(chain), "--tls-key", arg(rsa.key()));
    Pair pkcs1 = new Pair(fixture("rsa-pkcs1.crt"), fixture("rsa-pkcs1.key"));
    Pair sec1 = new Pair(fixture("ec-sec1.crt"), fixture("ec-sec1.key"));
    refused("tls.key", "is not the private key", "--tls-cert", arg(pkcs1.cert()), "--tls-key", arg(sec1.key()));
    refused("tls.key", "is not the private key", "--tls-cert", arg(rsa.cert()), "--tls-key", arg(pkcs1.key()));
    for (Pair p : new Pair[] {rsa, ec, pkcs1, sec1, new Pair(chain, ec.key())}) {
      Run run = serve("--tls-cert", arg(p.cert()), "--tls-key", arg(p.key()));
      assertThat(run.exit()).as(p + ": " + run.err()).isZero();
    }
  }

  /** A file of src/test/resources/tls (see its README), copied next to the generated ones. */
  private static Path fixture(String name) throws Exception {
    Path target = files.resolve(name);
    if (Files.notExists(target)) {
      try (var in = TlsConfigurationTest.class.getResourceAsStream("/tls/" + name)) {
        Files.copy(in, target);
      }
    }
    return target;
  }
}
