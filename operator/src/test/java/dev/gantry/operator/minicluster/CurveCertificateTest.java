package dev.gantry.operator.minicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CurveCertificateTest {
  @Test
  void z85MatchesTheRfc32TestVectorAndRoundTrips() {
    byte[] hello = {(byte) 0x86, 0x4F, (byte) 0xD2, 0x6F, (byte) 0xB5, 0x59, (byte) 0xF7, 0x5B};
    assertThat(Z85.encode(hello)).isEqualTo("HelloWorld");
    assertThat(Z85.decode("HelloWorld")).isEqualTo(hello);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    assertThat(Z85.decode(Z85.encode(random))).isEqualTo(random);
    assertThatThrownBy(() -> Z85.encode(new byte[3])).hasMessageContaining("4-byte");
    assertThatThrownBy(() -> Z85.decode("Hell~")).hasMessageContaining("not a Z85 character");
  }

  @Test
  void publicKeyDerivationMatchesRfc7748() {
    // RFC 7748 section 6.1, Alice's key pair.
    byte[] secret =
        HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    assertThat(HexFormat.of().formatHex(CurveCertificate.publicKeyOf(secret)))
        .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  }

  @Test
  void generatedPublicKeyDerivesFromTheSecretKey() {
    for (int i = 0; i < 20; i++) {
      CurveCertificate cert = CurveCertificate.generate(new SecureRandom(), "flux-sample-0");
      assertThat(cert.publicKey()).hasSize(40);
      assertThat(cert.secretKey()).hasSize(40);
      assertThat(Z85.decode(cert.publicKey()))
          .isEqualTo(CurveCertificate.publicKeyOf(Z85.decode(cert.secretKey())));
    }
  }

  @Test
  void textIsAZeroMqSecretCertificate() {
    CurveCertificate cert = CurveCertificate.generate(new SecureRandom(), "flux-sample-0");
    String text = cert.text();
    assertThat(text.lines().filter(l -> l.startsWith("#"))).hasSize(3);
    assertThat(text).contains("ZeroMQ CURVE **Secret** Certificate");
    assertThat(text).containsPattern(Pattern.compile("^metadata$", Pattern.MULTILINE));
    assertThat(text)
        .containsPattern(
            Pattern.compile("^    keygen.hostname = \"flux-sample-0\"$", Pattern.MULTILINE));
    assertThat(text).containsPattern(Pattern.compile("^curve$", Pattern.MULTILINE));
    assertThat(text)
        .containsPattern(
            Pattern.compile(
                "^    public-key = \"[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}\"$",
                Pattern.MULTILINE));
    assertThat(text)
        .containsPattern(
            Pattern.compile(
                "^    secret-key = \"[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}\"$",
                Pattern.MULTILINE));
    assertThat(text).contains(cert.publicKey()).contains(cert.secretKey());
  }

  @Test
  void twoCertificatesDiffer() {
    assertThat(CurveCertificate.generate(new SecureRandom(), "a-0").secretKey())
        .isNotEqualTo(CurveCertificate.generate(new SecureRandom(), "a-0").secretKey());
  }
}
