package dev.hangar.driver.internal;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets of one command (the API token, password attributes, decrypted values, keys), so
 * that no message for users or logs carries them. Values shorter than 4 characters are ignored:
 * masking them would mangle ordinary text and hides nothing.
 */
public final class SecretRedactor {
  public static final String MASK = "***";
  private static final int MIN_LENGTH = 4;
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  public void add(String secret) {
    if (secret != null && secret.length() >= MIN_LENGTH) {
      secrets.add(secret);
    }
  }

  public String redact(String message) {
    if (message == null || secrets.isEmpty()) {
      return message;
    }
    String out = message;
    // Longest first, so a secret containing another is masked whole.
    for (String s : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed())
        .toList()) {
      out = out.replace(s, MASK);
    }
    return out;
  }
}
