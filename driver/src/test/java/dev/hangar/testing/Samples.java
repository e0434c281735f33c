package dev.hangar.testing;

import java.nio.file.Path;

/** Where the checkout's samples are (surefire sets hangar.home to the project root). */
public final class Samples {
  private Samples() {}

  public static Path home() {
    return Path.of(System.getProperty("hangar.home", "..")).toAbsolutePath().normalize();
  }

  public static Path dir() {
    return home().resolve("samples");
  }

  public static String path(String relative) {
    return dir().resolve(relative).toString();
  }
}
