package dev.hangar.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark in one JMH run and prints a table: each benchmark's score and its ratio to
 * the baseline of its class (the method named first in {@link #BASELINES}), measured side by
 * side. Extra arguments go to JMH (e.g. {@code -f 1 -wi 2 -i 3}).
 */
public final class BenchMain {
  private static final Map<String, String> BASELINES = Map.of(
      "RequestParsingBenchmark", "jsonTree",
      "KvmDeployBenchmark", "bareLoop",
      "OvsRetagBenchmark", "rawTransact",
      "HostOverheadBenchmark", "inProcess1",
      "VxlanMoveBenchmark", "vlans");
  /** Ops that hold both the baseline and the measured work: no ratio to the baseline. */
  private static final Map<String, String> BOTH = Map.of(
      "KvmDeployBenchmark.paired", "each fork prints its paired ratios ('paired (N iterations)')"
          + " above");

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    // JMH adds the builder's includes to the command line's: include everything only when no
    // pattern was given, so that `bench/run KvmDeployBenchmark` runs just that class.
    // A benchmark that throws (e.g. a deploy that failed) fails the whole run unless -foe false.
    OptionsBuilder builder = new OptionsBuilder();
    builder.parent(cli).shouldFailOnError(cli.shouldFailOnError().orElse(true));
    if (cli.getIncludes().isEmpty()) {
      builder.include("dev\\.hangar\\.bench\\..*");
    }
    Options opts = builder.build();
    Collection<RunResult> results = new Runner(opts).run();
    Map<String, Double> scores = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    Map<String, Double> errors = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replaceFirst(".*\\.(\\w+\\.\\w+)$", "$1")
          + params(r);
      scores.put(name, r.getPrimaryResult().getScore());
      errors.put(name, r.getPrimaryResult().getScoreError());
      units.put(name, r.getPrimaryResult().getScoreUnit());
    }
    System.out.printf("%n%-46s %12s %10s %8s%n", "benchmark", "score", "± error", "ratio");
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      String cls = e.getKey().substring(0, e.getKey().indexOf('.'));
      String params = e.getKey().contains("[") ? e.getKey().substring(e.getKey().indexOf('['))
          : "";
      Double base = BOTH.containsKey(e.getKey()) ? null
          : scores.get(cls + "." + BASELINES.getOrDefault(cls, "") + params);
      String ratio = base == null ? "-" : String.format("%.2fx", e.getValue() / base);
      System.out.printf("%-46s %8.2f %-3s %10.2f %8s%n", e.getKey(), e.getValue(),
          units.get(e.getKey()).replace("/op", ""), errors.get(e.getKey()), ratio);
    }
    BOTH.forEach((name, note) -> {
      if (scores.containsKey(name)) {
        System.out.println(name + ": " + note);
      }
    });
  }

  /** "[ports=500]" for a parameterized run (each parameter set has its own baseline), else "". */
  private static String params(RunResult r) {
    List<String> out = new ArrayList<>();
    for (String key : r.getParams().getParamsKeys()) {
      out.add(key + "=" + r.getParams().getParam(key));
    }
    return out.isEmpty() ? "" : "[" + String.join(",", out) + "]";
  }
}
