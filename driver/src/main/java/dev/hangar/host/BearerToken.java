package dev.hangar.host;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.Executor;

/**
 * A bearer token: what a caller sends as {@code authorization: Bearer <token>}, and the
 * constant-time check of what arrives. The token is a secret: {@link #toString()} hides it.
 */
public final class BearerToken {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCHEME = "Bearer ";

  private final String token;
  private final byte[] digest;

  public BearerToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("a bearer token cannot be empty");
    }
    this.token = token;
    this.digest = sha256(token);
  }

  /**
   * Whether an {@code authorization} header carries this token. Both sides are hashed first so
   * that the comparison takes the same time whatever the length or content of the guess.
   */
  public boolean matches(String authorizationHeader) {
    String presented = presented(authorizationHeader);
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  /** The token of an {@code authorization} header, or null when there is none. */
  static String presented(String authorizationHeader) {
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    return authorizationHeader.substring(SCHEME.length()).strip();
  }

  /** Adds the token to every call made with these credentials. */
  public CallCredentials credentials() {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor executor,
          MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, SCHEME + token);
        applier.apply(headers);
      }
    };
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "BearerToken[***]";
  }
}
