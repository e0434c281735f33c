package dev.hangar.driver.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A 50-app sandbox (Prepare, 50 Deploys and 50 DeleteInstances, 10 at a time as an orchestrator
 * runs them, Cleanup) on the WireMock fault peer, once as is and once with 20 % of all requests
 * throttled (RequestLimitExceeded, HTTP 503): every app must deploy and nothing may be left in
 * the peer's model. Prints both wall times side by side. The driver runs with its production
 * waits and retries ({@link AwsTimeouts#DEFAULT}: polls every 3 s; the SDK's standard retry
 * strategy, 8 attempts, jittered exponential backoff from 1 s for throttling).
 */
public final class AwsThrottling {
  static final int APPS = 50;
  static final int PARALLEL = 10;

  private AwsThrottling() {}

  /** What one run measured. */
  record Run(long millis, int answered, int throttled) {}

  public static void main(String[] args) throws Exception {
    double ratio = args.length > 0 ? Double.parseDouble(args[0]) : 0.2;
    Run plain = run(0);
    Run throttled = run(ratio);
    System.out.printf("%d-app sandbox (Prepare, %d Deploys and Deletes %d at a time, Cleanup)"
        + " on the WireMock peer%n", APPS, APPS, PARALLEL);
    System.out.printf("%-22s %10s %10s %10s%n", "run", "seconds", "answered", "throttled");
    System.out.printf("%-22s %10.1f %10d %10d%n", "unthrottled", plain.millis() / 1000.0,
        plain.answered(), plain.throttled());
    System.out.printf("%-22s %10.1f %10d %10d%n", (int) (ratio * 100) + " % throttled",
        throttled.millis() / 1000.0, throttled.answered(), throttled.throttled());
    System.out.printf("throttled / unthrottled: %.2fx; every app deployed and nothing was left"
        + " in both runs%n", (double) throttled.millis() / plain.millis());
  }

  static Run run(double ratio) throws Exception {
    try (AwsTestbed bed = new AwsTestbed(AwsTimeouts.DEFAULT)) {
      bed.peer.throttle(ratio);
      long start = System.nanoTime();
      // A /22 subnet: 50 instances do not fit the tests' /28.
      JsonNode prepared = AwsTestbed.results(bed.driver.prepareSandboxInfra(bed.resource(),
          AwsTestbed.request("{\"type\":\"prepareCloudInfra\",\"actionId\":\"net\","
              + "\"actionParams\":{\"cidr\":\"10.0.0.0/16\"}}",
              "{\"type\":\"createKeys\",\"actionId\":\"keys\"}",
              "{\"type\":\"prepareSubnet\",\"actionId\":\"pub\",\"actionParams\":{"
                  + "\"cidr\":\"10.0.0.0/22\",\"isPublic\":true}}"),
          CancellationContext.NONE));
      AwsCallBudget.ok(prepared);
      String pub = AwsTestbed.result(prepared, "pub").path("subnetId").asText();
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      try {
        List<Future<String>> deploys = new ArrayList<>();
        for (int i = 0; i < APPS; i++) {
          int n = i;
          deploys.add(pool.submit(() -> {
            JsonNode r = AwsTestbed.results(bed.driver.deploy(bed.resource(),
                AwsTestbed.request(AwsTestbed.connectSubnet("nic-" + n, pub, "0"),
                    AwsTestbed.deployApp("app-" + n, "app" + n, Map.of("AWS AMI Id",
                        "ami-0abcdef1234567890", "Wait for IP", "True"))),
                CancellationContext.NONE));
            AwsCallBudget.ok(r);
            return AwsTestbed.result(r, "app-" + n).path("vmUuid").asText();
          }));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> f : deploys) {
          ids.add(f.get());
        }
        List<Future<?>> deletes = new ArrayList<>();
        for (int i = 0; i < APPS; i++) {
          int n = i;
          deletes.add(pool.submit(() -> bed.driver.deleteInstance(bed.remote("app" + n,
              ids.get(n)))));
        }
        for (Future<?> f : deletes) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      AwsCallBudget.ok(AwsTestbed.results(bed.driver.cleanupSandboxInfra(bed.resource(),
          AwsTestbed.cleanupRequest())));
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (!bed.peer.model().live().isEmpty()) {
        throw new IllegalStateException("left in EC2: " + bed.peer.model().live());
      }
      return new Run(millis, bed.peer.answered(), bed.peer.throttled());
    }
  }
}
