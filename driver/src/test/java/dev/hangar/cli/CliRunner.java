package dev.hangar.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the CLI in-process and keeps what it printed. */
record CliRunner(int code, String out, String err) {
  static CliRunner run(String... args) {
    return runWith(Map.of(), args);
  }

  /** With {@code env} as the environment ($HANGAR_TOKEN). */
  static CliRunner runWith(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
    return new CliRunner(code, out.toString(), err.toString());
  }
}
