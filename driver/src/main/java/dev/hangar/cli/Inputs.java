package dev.hangar.cli;

import dev.hangar.datamodel.MalformedRequestException;
import dev.hangar.datamodel.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the CLI's input files; anything unreadable is an IOException with a clear message. */
final class Inputs {
  private Inputs() {}

  /** Replaces the placeholders of a JSON text; an unresolved one is an IOException. */
  static String substitute(String json, java.util.Map<String, String> vars, String what)
      throws IOException {
    var mapper = WireCodec.standard().mapper();
    var result = dev.hangar.replay.Variables.substitute(
        WireCodec.standard().readTree(json, what), vars, mapper);
    if (!result.unresolved().isEmpty()) {
      throw new IOException(what + " has placeholders without a value: " + result.unresolved()
          + "; give them with --set NAME=VALUE");
    }
    return mapper.writeValueAsString(result.node());
  }

  /** Reads a file (or stdin for "-") and checks that it holds JSON. */
  static String readJson(String source, String what) throws IOException {
    String text;
    try {
      text = source.equals("-")
          ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(source));
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read " + what + " file " + source + ": no such file");
    } catch (java.nio.charset.CharacterCodingException e) {
      // Its own message is only "Input length = N".
      throw new IOException("cannot read " + what + " file " + source + ": not UTF-8 text"
          + " (JSON files are UTF-8)");
    } catch (IOException e) {
      throw new IOException("cannot read " + what + " file " + source + ": " + e.getMessage());
    }
    try {
      WireCodec.standard().readTree(text, what);
    } catch (MalformedRequestException e) {
      throw new IOException(what + " file " + source + ": " + e.getMessage());
    }
    return text;
  }
}
