package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.host.HostPort;
import dev.hangar.host.ServeChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hangar plan --target} through a real {@code hangar serve --embedded} child process: the
 * README's Deploy plan comes from the host's embedded default, the Deploy through the same host
 * then makes the planned VM, the plan asked again says it exists, and what cannot be planned is
 * the host's INVALID_ARGUMENT (exit 1).
 */
class PlanOnHostCliTest {
  private static final Map<String, String> ENV = Map.of("HANGAR_TOKEN",
      ServeChild.tokenText());
  @TempDir
  Path dir;
  private Process serve;
  private String target;

  @BeforeEach
  void start() throws Exception {
    serve = ServeChild.start(dir, List.of("--embedded"));
    HostPort at = ServeChild.servingOn(serve);
    target = at.toString();
  }

  @AfterEach
  void stop() throws Exception {
    // SIGTERM: the host stops its embedded ovsdb-server on the way out.
    serve.destroy();
    if (!serve.waitFor(60, TimeUnit.SECONDS)) {
      serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String[] plan(String command, String... more) {
    List<String> args = new ArrayList<>(List.of("plan", command, "--target", target,
        "--context", path("contexts/kvm-provider.json"), "--request",
        path("requests/deploy-kvm-template.json")));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void planTargetAnswersTheHostsPlanAndTheDeployThroughItMakesIt() {
    CliRunner planned = CliRunner.runWith(ENV, plan("Deploy"));
    assertThat(planned.code()).as(planned.err()).isEqualTo(Main.OK);
    JsonNode entry = WireCodec.standard().readTree(planned.out(), "plan").path("plan").get(0);
    assertThat(entry.path("success").asBoolean()).as(planned.out()).isTrue();
    assertThat(entry.path("operations")).extracting(o -> o.path("op").asText() + " "
        + o.path("kind").asText() + " " + o.path("where").asText()).containsExactly(
        "create domain test:///default", "create volume test:///default",
        "create OVS port test:///default");
    JsonNode domain = entry.path("operations").get(0);

    CliRunner text = CliRunner.runWith(ENV, plan("Deploy", "--text"));
    assertThat(text.code()).as(text.err()).isEqualTo(Main.OK);
    assertThat(text.out()).isEqualTo(PlanCommand.table(planned.out()) + "\n");

    CliRunner deploy = CliRunner.runWith(ENV, "call", "Deploy", "--target", target,
        "--context", path("contexts/kvm-provider.json"), "--request",
        path("requests/deploy-kvm-template.json"));
    assertThat(deploy.code()).as(deploy.err()).isEqualTo(Main.OK);
    JsonNode result = WireCodec.standard().readTree(deploy.out(), "response")
        .at("/driverResponse/actionResults/0");
    assertThat(result.path("success").asBoolean()).as(deploy.out()).isTrue();
    assertThat(result.path("vmName").asText()).isEqualTo(domain.path("name").asText());
    assertThat(result.path("vmUuid").asText()).isEqualTo(domain.path("id").asText());

    CliRunner again = CliRunner.runWith(ENV, plan("Deploy"));
    assertThat(again.code()).as(again.err()).isEqualTo(Main.OK);
    assertThat(WireCodec.standard().readTree(again.out(), "plan").at("/plan/0/operations"))
        .isNotEmpty().allSatisfy(o -> assertThat(o.path("op").asText()).isEqualTo("exists"));
  }

  @Test
  void whatTheHostCannotPlanIsExitOneWithItsStatus() {
    CliRunner off = CliRunner.runWith(ENV, plan("PowerOff"));
    assertThat(off.code()).isEqualTo(Main.RAISED);
    assertThat(off.out()).isEmpty();
    assertThat(off.err()).contains("hangar plan: PowerOff: INVALID_ARGUMENT: hangar plan cannot"
        + " plan PowerOff");

    CliRunner wrongToken = CliRunner.runWith(Map.of("HANGAR_TOKEN", "not-the-host-token"),
        plan("Deploy"));
    assertThat(wrongToken.code()).isEqualTo(Main.RAISED);
    assertThat(wrongToken.err()).contains("UNAUTHENTICATED");

    CliRunner usage = CliRunner.run("plan", "Deploy", "--token-file", "/nonexistent",
        "--context", path("contexts/kvm-provider.json"), "--request",
        path("requests/deploy-kvm-template.json"));
    assertThat(usage.code()).isEqualTo(Main.USAGE);
    assertThat(usage.err()).contains("need --target");
  }
}
