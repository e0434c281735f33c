package dev.hangar.driver.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The EC2 call budget of a 10-app sandbox lifecycle: the driver against moto, counted by action
 * from moto's own request log, side by side with {@link BareEc2Loop}, which makes the same
 * sandbox with the fewest calls, in the same run. Both must leave moto as it was.
 *
 * <p>The lifecycle: PrepareSandboxInfra (VPC, key pair, a public and a private subnet), 10
 * Deploys, PowerOff and PowerOn of each app, one GetVmDetails of all, remote_refresh_ip of each,
 * one SetAppSecurityGroups of all (one rule each), DeleteInstance of each, CleanupSandboxInfra.
 * The driver runs with its production waits ({@link AwsTimeouts#DEFAULT}).
 */
public final class AwsCallBudget {
  static final int APPS = 10;

  private AwsCallBudget() {}

  public static void main(String[] args) throws Exception {
    Map<String, Long> driver;
    Map<String, Long> bare;
    try (AwsTestbed bed = AwsTestbed.onMoto(AwsTimeouts.DEFAULT);
        var ec2 = MotoState.client(bed.endpoint())) {
      MotoState before = MotoState.read(ec2);
      lifecycle(bed);
      driver = count(bed.moto.recorded());
      check("driver", before, ec2);
      bed.moto.reset();
      before = MotoState.read(ec2);
      new BareEc2Loop(bed.endpoint()).run(APPS);
      bare = count(bed.moto.recorded());
      check("bare loop", before, ec2);
    }
    print(driver, bare);
  }

  static void lifecycle(AwsTestbed bed) {
    JsonNode prepared = AwsTestbed.results(bed.driver.prepareSandboxInfra(bed.resource(),
        AwsTestbed.prepareRequest(), CancellationContext.NONE));
    ok(prepared);
    String pub = AwsTestbed.result(prepared, "pub").path("subnetId").asText();
    List<String> ids = new ArrayList<>();
    // Remote commands get the app as the platform hands it back: Deploy's additional data too.
    List<JsonNode> deployed = new ArrayList<>();
    for (int i = 0; i < APPS; i++) {
      JsonNode r = AwsTestbed.results(bed.driver.deploy(bed.resource(), AwsTestbed.request(
          AwsTestbed.connectSubnet("nic-" + i, pub, "0"), AwsTestbed.deployApp("app-" + i,
              "app" + i, Map.of("AWS AMI Id", BareEc2Loop.AMI, "Wait for IP", "True"))),
          CancellationContext.NONE));
      ok(r);
      deployed.add(AwsTestbed.result(r, "app-" + i));
      ids.add(deployed.get(i).path("vmUuid").asText());
    }
    for (int i = 0; i < APPS; i++) {
      bed.driver.powerOff(bed.remote("app" + i, deployed.get(i)));
      bed.driver.powerOn(bed.remote("app" + i, deployed.get(i)));
    }
    Map<String, String> apps = new TreeMap<>();
    for (int i = 0; i < APPS; i++) {
      apps.put("app" + i, ids.get(i));
    }
    StringBuilder details = new StringBuilder("{\"items\":[");
    StringBuilder rules = new StringBuilder("[");
    for (int i = 0; i < APPS; i++) {
      String sep = i == 0 ? "" : ",";
      details.append(sep).append("{\"appRequestJson\":{\"name\":\"app").append(i)
          .append("\"},\"deployedAppJson\":{\"name\":\"app").append(i)
          .append("\",\"vmdetails\":{\"uid\":\"").append(ids.get(i)).append("\"}}}");
      rules.append(sep).append(sgApp("app" + i, ids.get(i), pub));
    }
    String shown = bed.driver.getVmDetails(bed.resource(), details.append("]}").toString(),
        CancellationContext.NONE);
    if (shown.contains("\"errorMessage\":\"i")) {
      throw new IllegalStateException("GetVmDetails failed: " + shown);
    }
    for (int i = 0; i < APPS; i++) {
      bed.driver.remoteRefreshIp(bed.remote("app" + i, deployed.get(i)),
          CancellationContext.NONE);
    }
    String opened = bed.driver.setAppSecurityGroups(bed.resource(),
        rules.append("]").toString());
    if (opened.contains("\"success\":false")) {
      throw new IllegalStateException("SetAppSecurityGroups failed: " + opened);
    }
    for (int i = 0; i < APPS; i++) {
      bed.driver.deleteInstance(bed.remote("app" + i, deployed.get(i)));
    }
    ok(AwsTestbed.results(bed.driver.cleanupSandboxInfra(bed.resource(),
        AwsTestbed.cleanupRequest())));
  }

  static String sgApp(String app, String id, String subnet) {
    return "{\"deployedApp\":{\"name\":\"" + app + "\",\"vmdetails\":{\"uid\":\"" + id
        + "\"}},\"securityGroupsConfigurations\":[{\"subnetId\":\"" + subnet + "\",\"rules\":[{"
        + "\"fromPort\":\"22\",\"toPort\":\"22\",\"protocol\":\"tcp\","
        + "\"source\":\"0.0.0.0/0\"}]}]}";
  }

  static void ok(JsonNode results) {
    for (JsonNode r : results) {
      if (!r.path("success").asBoolean()) {
        throw new IllegalStateException("failed: " + r);
      }
    }
  }

  private static void check(String who, MotoState before, software.amazon.awssdk.services.ec2
      .Ec2Client ec2) {
    var left = MotoState.read(ec2).addedSince(before);
    if (!left.isEmpty()) {
      throw new IllegalStateException(who + " left " + left);
    }
  }

  static Map<String, Long> count(List<QueryForm> requests) {
    return requests.stream().collect(Collectors.groupingBy(QueryForm::action, TreeMap::new,
        Collectors.counting()));
  }

  private static void print(Map<String, Long> driver, Map<String, Long> bare) {
    TreeMap<String, Long> all = new TreeMap<>();
    driver.keySet().forEach(k -> all.put(k, 0L));
    bare.keySet().forEach(k -> all.put(k, 0L));
    System.out.printf("EC2 calls of a %d-app sandbox lifecycle on moto (from its request log)%n",
        APPS);
    System.out.printf("%-34s %7s %7s%n", "action", "driver", "bare");
    Function<Map<String, Long>, Long> sum = m -> m.values().stream().mapToLong(x -> x).sum();
    for (String a : all.keySet()) {
      System.out.printf("%-34s %7d %7d%n", a, driver.getOrDefault(a, 0L),
          bare.getOrDefault(a, 0L));
    }
    long d = sum.apply(driver);
    long b = sum.apply(bare);
    System.out.printf("%-34s %7d %7d%n", "total", d, b);
    System.out.printf("driver / bare loop: %.2fx (goal <= 1.3x); both left moto as it was%n",
        (double) d / b);
  }
}
