package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import org.junit.jupiter.api.Test;

/** {@code hangar plan}: the README's example on the embedded default, and bad usage. */
class PlanCliTest {
  @Test
  void theReadmeExamplePlansTheTemplateDeployOnTheEmbeddedDefault() {
    CliRunner r = CliRunner.run("plan", "Deploy", "--context", path("contexts/kvm-provider.json"),
        "--request", path("requests/deploy-kvm-template.json"));

    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    JsonNode plan = WireCodec.standard().readTree(r.out(), "plan");
    JsonNode entry = plan.path("plan").get(0);
    assertThat(entry.path("success").asBoolean()).as(r.out()).isTrue();
    assertThat(entry.path("operations")).extracting(o -> o.path("op").asText() + " "
        + o.path("kind").asText()).containsExactly("create domain", "create volume",
        "create OVS port");
    assertThat(entry.path("operations").get(0).path("where").asText())
        .isEqualTo("test:///default");
    assertThat(entry.path("operations").get(2).path("details").path("tag").asInt())
        .isEqualTo(4095);

    CliRunner text = CliRunner.run("plan", "Deploy", "--text", "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"));
    assertThat(text.code()).as(text.err()).isEqualTo(Main.OK);
    assertThat(text.out().lines()).hasSize(4);
    assertThat(text.out().lines().toList().get(1)).matches("\\S+ +create +domain +"
        + entry.path("operations").get(0).path("name").asText() + " \\(\\S+\\) +test:///default");
  }

  @Test
  void anUnknownCommandIsBadUsageAndAnUnplannableOneRaises() {
    CliRunner unknown = CliRunner.run("plan", "Reboot", "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"));
    assertThat(unknown.code()).isEqualTo(Main.USAGE);
    assertThat(unknown.err()).contains("unknown command 'Reboot'");

    CliRunner off = CliRunner.run("plan", "PowerOff", "--context",
        path("contexts/kvm-provider.json"), "--request", path("requests/deploy-kvm-template.json"));
    assertThat(off.code()).isEqualTo(Main.RAISED);
    assertThat(off.out()).isEmpty();
    assertThat(off.err()).contains("cannot plan PowerOff").contains("Deploy");
  }
}
