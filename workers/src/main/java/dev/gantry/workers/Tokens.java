package dev.gantry.workers;

import dev.gantry.workers.store.MetadataStore;
import dev.gantry.workers.store.MetadataStore.AccountRecord;
import dev.gantry.workers.upload.ScriptNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * API tokens: each belongs to one account, is shown once when made, and is kept only as its
 * SHA-256. Creating a token for a new account creates the account.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  public static String create(
      MetadataStore metadata, String account, String subdomain, Clock clock) {
    if (account == null || !account.matches("[A-Za-z0-9_-]{1,64}")) {
      throw ApiError.invalid(
          "account id \"" + account + "\" must be 1 to 64 letters, digits, - or _");
    }
    if (subdomain != null) {
      ScriptNames.checkSubdomain(subdomain);
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = "gantry_" + HexFormat.of().formatHex(random);
    String now = clock.instant().toString();
    metadata.update(
        s -> {
          AccountRecord a = s.accounts.get(account);
          if (a == null) {
            a = new AccountRecord();
            a.id = account;
            a.created = now;
            a.subdomain = subdomain != null ? subdomain : defaultSubdomain(account);
            s.accounts.put(account, a);
          } else if (subdomain != null) {
            a.subdomain = subdomain;
          }
          a.tokens.add(
              new MetadataStore.TokenRecord(UUID.randomUUID().toString(), hash(token), now));
        });
    return token;
  }

  public static String create(MetadataStore metadata, String account, String subdomain) {
    return create(metadata, account, subdomain, Clock.systemUTC());
  }

  public static Optional<String> authenticate(MetadataStore metadata, String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    byte[] presented = hash(token).getBytes(StandardCharsets.UTF_8);
    return metadata.read(
        s ->
            s.accounts.values().stream()
                .filter(
                    a ->
                        a.tokens.stream()
                            .anyMatch(
                                t ->
                                    MessageDigest.isEqual(
                                        t.sha256().getBytes(StandardCharsets.UTF_8), presented)))
                .map(a -> a.id)
                .findFirst());
  }

  /** A DNS label from the account id: lower case, other characters as dashes. */
  static String defaultSubdomain(String account) {
    String label = account.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    label = label.replaceAll("^-+|-+$", "");
    return label.isEmpty() ? "account" : label.substring(0, Math.min(63, label.length()));
  }

  private static String hash(String token) {
    return Sha256.hex(token.getBytes(StandardCharsets.UTF_8));
  }
}
