package dev.hangar.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The measured iterations of {@link KvmDeployBenchmark#paired}, summed up at the end of the
 * fork: means, the ratio of the means, and the median and range of the per-iteration ratios.
 */
@State(Scope.Benchmark)
public class DeployPairs {
  private final List<double[]> measured = new ArrayList<>();
  private boolean measuring;
  private int iteration;

  @Setup(Level.Iteration)
  public void iteration(IterationParams params) {
    measuring = params.getType() == IterationType.MEASUREMENT;
    iteration++;
  }

  boolean bareFirst() {
    return iteration % 2 == 0;
  }

  void add(long bareNanos, long driverNanos) {
    if (measuring) {
      measured.add(new double[] {bareNanos / 1e6, driverNanos / 1e6});
    }
  }

  @TearDown(Level.Trial)
  public void report() {
    if (measured.isEmpty()) {
      return;
    }
    double bare = 0;
    double driver = 0;
    List<Double> ratios = new ArrayList<>();
    StringBuilder each = new StringBuilder();
    for (double[] m : measured) {
      bare += m[0];
      driver += m[1];
      ratios.add(m[1] / m[0]);
      each.append(String.format(" %.0f/%.0f", m[1], m[0]));
    }
    Collections.sort(ratios);
    int n = measured.size();
    System.out.printf("paired (%d iterations): bare %.1f ms, driver %.1f ms per %d deploys;"
        + " ratio of means %.2fx, median ratio %.2fx (%.2f-%.2f); driver/bare ms:%s%n", n,
        bare / n, driver / n, KvmDeployBenchmark.APPS, driver / bare, ratios.get(n / 2),
        ratios.get(0),
        ratios.get(n - 1), each);
  }
}
