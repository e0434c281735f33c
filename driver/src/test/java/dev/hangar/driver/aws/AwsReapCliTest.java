package dev.hangar.driver.aws;

import static dev.hangar.driver.aws.AwsTestbed.connectSubnet;
import static dev.hangar.driver.aws.AwsTestbed.deployApp;
import static dev.hangar.driver.aws.AwsTestbed.request;
import static dev.hangar.driver.aws.AwsTestbed.result;
import static dev.hangar.driver.aws.AwsTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.cli.Main;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** {@code hangar reap} as an admin runs it, against moto: its report lines and exit codes. */
class AwsReapCliTest {
  private final AwsTestbed bed = AwsTestbed.onMoto();
  private final Ec2Client ec2 = MotoState.client(bed.endpoint());

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    ec2.close();
    bed.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run hangar(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void reapPrintsALinePerObjectAndRemovesTheExpiredSandbox() throws Exception {
    MotoState empty = MotoState.read(ec2);
    String instance = deployOne("res-cli");
    Path ctx = dir.resolve("ctx.json");
    Files.writeString(ctx, bed.providerContext());
    String later = Instant.now().plus(Duration.ofHours(2)).toString();

    Run now = hangar("reap", "--context", ctx.toString());
    assertThat(now.code()).as(now.err()).isZero();
    assertThat(now.out()).isEmpty();
    assertThat(now.err()).contains("no expired sandbox found");

    Run dry = hangar("reap", "--dry-run", "--as-of", later, "--context", ctx.toString());
    assertThat(dry.code()).as(dry.err()).isZero();
    List<String> lines = dry.out().lines().toList();
    assertThat(lines).first().asString().startsWith("would-remove\tinstance\t" + instance + "\t"
        + Ec2Peer.REGION + "\tres-cli\tsandbox expired at ");
    assertThat(lines).last().asString().startsWith("would-remove\tvpc\t");
    assertThat(dry.err()).contains(lines.size() + " object(s) would be removed, 0 failed, of 1"
        + " expired sandbox(es)");
    assertThat(MotoState.read(ec2)).isNotEqualTo(empty);

    Run reap = hangar("reap", "--as-of", later, "--context", ctx.toString());
    assertThat(reap.code()).as(reap.err()).isZero();
    assertThat(reap.out().lines().toList()).hasSize(lines.size())
        .allMatch(l -> l.startsWith("removed\t"));
    assertThat(reap.err()).contains(lines.size() + " object(s) removed, 0 already gone, 0 failed");
    assertThat(MotoState.read(ec2)).isEqualTo(empty);
  }

  @Test
  void badUsageAndAnUnreadableProviderGetClearErrors() throws Exception {
    Path ctx = dir.resolve("ctx.json");
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Region", "not a region");
    Files.writeString(ctx, "{\"resource\":{\"name\":\"p\",\"model\":\"Hangar Cloud Provider\","
        + "\"attributes\":" + AwsTestbed.CODEC.write(attrs) + "}}");

    Run badTime = hangar("reap", "--as-of", "tomorrow", "--context", ctx.toString());
    assertThat(badTime.code()).isEqualTo(2);
    assertThat(badTime.err()).contains("--as-of must be an ISO-8601 instant");

    Run badRegion = hangar("reap", "--context", ctx.toString());
    assertThat(badRegion.code()).isEqualTo(1);
    assertThat(badRegion.err()).contains("hangar reap: failed:").contains("'Region'");

    Run missing = hangar("reap", "--context", dir.resolve("nope.json").toString());
    assertThat(missing.code()).isEqualTo(2);
  }

  private String deployOne(String reservation) {
    Map<String, String> attrs = new LinkedHashMap<>(bed.attributes);
    attrs.put("Hangar Cloud Provider.Sandbox Lifetime", "1");
    ResourceCommandContext ctx = AwsTestbed.CODEC.read("{\"connectivity\":{\"server_address\":"
        + "\"127.0.0.1\",\"admin_auth_token\":\"tok-1\"},\"resource\":{\"name\":\"hangar-aws\","
        + "\"fullname\":\"hangar-aws\",\"model\":\"Hangar Cloud Provider\",\"attributes\":"
        + AwsTestbed.CODEC.write(attrs) + "},\"reservation\":{\"reservation_id\":\""
        + reservation + "\",\"domain\":\"Global\"}}", ResourceCommandContext.class);
    JsonNode prepared = results(bed.driver.prepareSandboxInfra(ctx, AwsTestbed.prepareRequest(),
        CancellationContext.NONE));
    String pub = result(prepared, "pub").path("subnetId").asText();
    JsonNode r = result(results(bed.driver.deploy(ctx, request(connectSubnet("a-nic", pub, "0"),
        deployApp("a", "app", Map.of("AWS AMI Id", AwsSandboxTest.AMI))),
        CancellationContext.NONE)), "a");
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r.path("vmUuid").asText();
  }
}
