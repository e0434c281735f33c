package dev.hangar.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code hangar}: the command line. Exit codes: 0 the command ran (per-action failures live in its
 * JSON), 1 it raised, 2 bad usage or unreadable input.
 */
@CommandLine.Command(name = "hangar", mixinStandardHelpOptions = true,
    version = "hangar 0.1.0",
    description = "A cloud provider shell driver in the style of CloudShell's Custom Cloud"
        + " Provider standard.",
    subcommands = {CallCommand.class, ReplayCommand.class, ServeCommand.class, DemoCommand.class,
        PackCommand.class, ReapCommand.class, PlanCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  public static final int OK = 0;
  public static final int RAISED = 1;
  public static final int USAGE = 2;

  private final Map<String, String> env;

  private Main(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** Runs the CLI with the given streams and environment ($HANGAR_TOKEN); returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env,
      String... args) {
    CommandLine cl = new CommandLine(new Main(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      err.println("hangar: " + ex.getMessage());
      return RAISED;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The environment the subcommands read ($HANGAR_TOKEN). */
  Map<String, String> env() {
    return env;
  }
}
