package dev.hangar.cli;

import dev.hangar.host.BearerToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** The sandbox host's bearer token: from {@code --token-file}, else from {@code HANGAR_TOKEN}. */
final class Tokens {
  static final String ENV = "HANGAR_TOKEN";

  private Tokens() {}

  static BearerToken read(Path tokenFile, Map<String, String> env) throws IOException {
    String token;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile).strip();
      } catch (NoSuchFileException e) {
        throw new IOException("cannot read token file " + tokenFile + ": no such file");
      } catch (IOException e) {
        throw new IOException("cannot read token file " + tokenFile + ": " + e.getMessage());
      }
      if (token.isEmpty()) {
        throw new IOException("token file " + tokenFile + " is empty");
      }
    } else {
      token = env.getOrDefault(ENV, "").strip();
      if (token.isEmpty()) {
        throw new IOException("no bearer token: set " + ENV + " or give --token-file FILE");
      }
    }
    return new BearerToken(token);
  }
}
