package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @Test
  void unknownCommandIsBadUsage() {
    CliRunner r = CliRunner.run("call", "Reboot", "--context", path("contexts/kvm-provider.json"));
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("unknown command 'Reboot'").contains("ApplyConnectivityChanges");
  }

  @Test
  void missingOptionsAndUnreadableFilesAreBadUsage(@TempDir Path dir) throws Exception {
    assertThat(CliRunner.run("call", "Deploy").code()).isEqualTo(Main.USAGE);
    CliRunner noRequest = CliRunner.run("call", "Deploy", "--context",
        path("contexts/kvm-provider.json"));
    assertThat(noRequest.code()).isEqualTo(Main.USAGE);
    assertThat(noRequest.err()).contains("Deploy needs --request");
    CliRunner missing = CliRunner.run("call", "PowerOn", "--context", "/nonexistent/ctx.json");
    assertThat(missing.code()).isEqualTo(Main.USAGE);
    assertThat(missing.err()).contains("cannot read context file /nonexistent/ctx.json");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"driverRequest\": [");
    CliRunner notJson = CliRunner.run("call", "Deploy", "--context",
        path("contexts/kvm-provider.json"), "--request", broken.toString());
    assertThat(notJson.code()).isEqualTo(Main.USAGE);
    assertThat(notJson.err()).contains("request file " + broken + ": the request is not valid"
        + " JSON at line 1");
  }

  @Test
  void placeholdersTakeSetValuesAndUnresolvedOnesAreBadUsage(@TempDir Path dir)
      throws Exception {
    Path ctx = dir.resolve("ctx.json");
    Files.writeString(ctx, "{\"resource\":{\"name\":\"${name}\",\"attributes\":{}}}");
    CliRunner unresolved = CliRunner.run("call", "get_inventory", "--context", ctx.toString());
    assertThat(unresolved.code()).isEqualTo(Main.USAGE);
    assertThat(unresolved.err()).contains("placeholders without a value: [${name}]");
    CliRunner set = CliRunner.run("call", "get_inventory", "--context", ctx.toString(), "--set",
        "name=prov-x");
    // Every attribute at its default: KVM on the embedded default, which validates.
    assertThat(set.code()).as(set.err()).isEqualTo(Main.OK);
    assertThat(set.err()).doesNotContain("placeholder");
  }

  @Test
  void aRequestTheDriverCannotReadMakesTheCommandRaise(@TempDir Path dir) throws Exception {
    Path req = dir.resolve("req.json");
    Files.writeString(req, "{\"actions\":[]}");
    CliRunner r = CliRunner.run("call", "Deploy", "--context", path("contexts/kvm-provider.json"),
        "--request", req.toString());
    assertThat(r.code()).isEqualTo(Main.RAISED);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Deploy failed: expected {\"driverRequest\"");
  }

  /**
   * The README's in-process example: the KVM samples at their defaults run on the embedded default
   * of the call's own process, whose private ovsdb-server is gone when the call returns. (Its own
   * reservation id: test:///default's VMs outlive a call in a JVM that holds other connections to
   * it, and the samples' default ids belong to the other tests here.)
   */
  @Test
  void kvmSamplesAtTheirDefaultsWorkInProcessAndLeaveNoOvsdbServer() throws Exception {
    String reservation = "reservationId=" + java.util.UUID.randomUUID();
    CliRunner inventory = CliRunner.run("call", "get_inventory", "--context",
        path("contexts/kvm-autoload.json"));
    assertThat(inventory.code()).as(inventory.err()).isEqualTo(Main.OK);
    assertThat(inventory.out()).contains("\"resources\":[]");
    CliRunner deploy = CliRunner.run("call", "Deploy", "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"),
        "--set", reservation);
    assertThat(deploy.code()).as(deploy.err()).isEqualTo(Main.OK);
    assertThat(deploy.out()).contains("\"success\":true").doesNotContain("\"success\":false");
    java.util.regex.Matcher pid = java.util.regex.Pattern
        .compile("private ovsdb-server \\(pid (\\d+)").matcher(deploy.err());
    assertThat(pid.find()).as(deploy.err()).isTrue();
    assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).filter(ProcessHandle::isAlive))
        .as("the call's ovsdb-server after the call").isEmpty();
    java.util.regex.Matcher uuid = java.util.regex.Pattern.compile("\"vmUuid\":\"([^\"]+)\"")
        .matcher(deploy.out());
    assertThat(uuid.find()).isTrue();
    CliRunner delete = CliRunner.run("call", "DeleteInstance", "--context",
        path("contexts/kvm-remote-web.json"), "--set", reservation, "--set",
        "webUuid=" + uuid.group(1));
    assertThat(delete.code()).as(delete.err()).isEqualTo(Main.OK);
    CliRunner aws = CliRunner.run("call", "get_inventory", "--context",
        path("contexts/aws-autoload.json"), "--set", "awsEndpoint=http://127.0.0.1:9");
    assertThat(aws.err()).as("a call that names no test:///default starts nothing")
        .doesNotContain("embedded default");
  }

  @Test
  void replayOfAnUnreadableScenarioIsBadUsage() {
    CliRunner r = CliRunner.run("replay", "/nonexistent.json");
    assertThat(r.code()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("cannot read scenario /nonexistent.json");
  }

  @Test
  void replayShowsWhichStepsFailAndWhy() {
    CliRunner r = CliRunner.run("replay", path("scenarios/l2-sandbox.json"), "--set",
        "ovsdbRemote=" + SamplesCallTest.NO_OVSDB);
    assertThat(r.code()).isEqualTo(Main.RAISED);
    assertThat(r.out()).contains("== L2 sandbox on KVM (15 steps)")
        .containsPattern("\\[1/15\\] get_inventory .* FAIL")
        .contains("raised: the KVM cloud provider is not usable: could not look up the bridge")
        .containsPattern("\\[14/15\\] DeleteInstance .* PASS")
        .containsPattern("total\\s+15\\s+\\d+\\s+\\d+");
  }
}
