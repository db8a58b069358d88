package dev.gantry.operator.relations;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The webhook's own CA and serving certificate (ECDSA P-256), made with BouncyCastle; no
 * cert-manager.
 */
public final class WebhookCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookCertificates() {}

  /** A certificate with its private key, both PEM. */
  public record Issued(String certificatePem, String keyPem) {
    public X509Certificate certificate() {
      return parseCertificates(certificatePem).get(0);
    }

    public PrivateKey key() {
      return parseKey(keyPem);
    }
  }

  public static Issued newCa(String commonName, Instant now, Duration validity) {
    try {
      KeyPair pair = keyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      var builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minusSeconds(60)),
              Date.from(now.plus(validity)),
              subject,
              pair.getPublic());
      var utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(pair.getPublic()));
      return issued(builder.build(signer(pair.getPrivate())), pair.getPrivate());
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("could not make the webhook CA", e);
    }
  }

  /**
   * A serving certificate for {@code dnsNames} (and IP addresses among them), signed by {@code ca}.
   */
  public static Issued newServing(
      Issued ca, List<String> dnsNames, Instant now, Duration validity) {
    try {
      KeyPair pair = keyPair();
      X509Certificate caCert = ca.certificate();
      var builder =
          new JcaX509v3CertificateBuilder(
              caCert,
              serial(),
              Date.from(now.minusSeconds(60)),
              Date.from(now.plus(validity)),
              new X500Name("CN=" + dnsNames.get(0)),
              pair.getPublic());
      var utils = new JcaX509ExtensionUtils();
      List<GeneralName> names = new ArrayList<>();
      for (String n : dnsNames) {
        boolean ip = n.matches("^[0-9.]+$") || n.contains(":");
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
      return issued(builder.build(signer(ca.key())), pair.getPrivate());
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("could not issue the webhook serving certificate", e);
    }
  }

  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
      return certificates;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
    }
  }

  /** Reads a PKCS#8 ("PRIVATE KEY") EC key. */
  public static PrivateKey parseKey(String pem) {
    String body =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    try {
      byte[] der = java.util.Base64.getDecoder().decode(body);
      return java.security.KeyFactory.getInstance("EC")
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM PKCS#8 private key: " + e.getMessage(), e);
    }
  }

  /** PKCS#8 carries the curve, so the key reads back with the JDK alone. */
  static String pkcs8(PrivateKey key) {
    String base64 =
        java.util.Base64.getMimeEncoder(
                64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static Issued issued(X509CertificateHolder holder, PrivateKey key)
      throws GeneralSecurityException {
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
    return new Issued(pem(cert), pkcs8(key));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static org.bouncycastle.operator.ContentSigner signer(PrivateKey key)
      throws org.bouncycastle.operator.OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static BigInteger serial() {
    return new BigInteger(96, RANDOM);
  }
}
