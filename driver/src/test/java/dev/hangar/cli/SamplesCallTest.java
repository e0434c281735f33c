package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar call} on every sample, with no backend installed: each prints a well-formed
 * response whose every action carries a clear error, or (commands without actions) raises with
 * one.
 */
class SamplesCallTest {
  /** command, context, request: the table of samples/README.md. */
  static final List<String[]> SAMPLES = List.of(
      new String[] {"get_inventory", "contexts/kvm-autoload.json", null},
      new String[] {"get_inventory", "contexts/aws-autoload.json", null},
      new String[] {"Deploy", "contexts/kvm-provider.json", "requests/deploy-kvm-template.json"},
      new String[] {"Deploy", "contexts/kvm-provider.json", "requests/deploy-kvm-kernel.json"},
      new String[] {"Deploy", "contexts/aws-provider.json", "requests/deploy-aws-ec2.json"},
      new String[] {"PowerOn", "contexts/kvm-remote-web.json", null},
      new String[] {"PowerOff", "contexts/kvm-remote-db.json", null},
      new String[] {"DeleteInstance", "contexts/kvm-remote-web.json", null},
      new String[] {"remote_refresh_ip", "contexts/aws-remote-app.json", null},
      new String[] {"GetVmDetails", "contexts/kvm-provider.json",
          "requests/get-vm-details-kvm.json"},
      new String[] {"GetVmDetails", "contexts/aws-provider.json",
          "requests/get-vm-details-aws.json"},
      new String[] {"ApplyConnectivityChanges", "contexts/kvm-provider.json",
          "requests/apply-connectivity-setvlan.json"},
      new String[] {"ApplyConnectivityChanges", "contexts/kvm-provider.json",
          "requests/apply-connectivity-removevlan.json"},
      new String[] {"PrepareSandboxInfra", "contexts/aws-provider.json",
          "requests/prepare-sandbox-infra.json"},
      new String[] {"CleanupSandboxInfra", "contexts/aws-provider.json",
          "requests/cleanup-sandbox-infra.json"},
      new String[] {"SetAppSecurityGroups", "contexts/aws-provider.json",
          "requests/set-app-security-groups.json"});

  static Stream<String[]> samples() {
    return SAMPLES.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("samples")
  void eachSampleAnswersWithAClearError(String command, String context, String request)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("call", command, "--context", path(context)));
    if (request != null) {
      args.addAll(List.of("--request", path(request)));
    }
    CliRunner r = CliRunner.run(args.toArray(String[]::new));
    String cloud = context.contains("aws") ? "AWS" : "KVM";
    String reason = "no backend for Cloud Type '" + cloud + "' is installed";
    if (request == null) {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.RAISED);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains(command + " failed: " + reason)
          .contains("deployment paths:");
      return;
    }
    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    JsonNode response = WireCodec.standard().mapper().readTree(r.out());
    JsonNode items = response.isArray() ? response : response.at("/driverResponse/actionResults");
    assertThat(items).isNotEmpty();
    for (JsonNode item : items) {
      String error = item.has("errorMessage") ? item.get("errorMessage").asText()
          : item.get("error").asText();
      assertThat(error).contains(reason);
    }
  }

  @Test
  void everyCommandHasASampleAndEverySampleFileIsUsedAndDocumented() throws Exception {
    Set<String> commands = new HashSet<>();
    Set<String> used = new HashSet<>();
    for (String[] s : SAMPLES) {
      commands.add(s[0]);
      used.add(s[1]);
      if (s[2] != null) {
        used.add(s[2]);
      }
    }
    assertThat(commands).containsExactlyInAnyOrderElementsOf(
        Arrays.stream(Command.values()).map(Command::standardName).toList());
    String readme = Files.readString(Samples.dir().resolve("README.md"));
    for (String sub : List.of("contexts", "requests")) {
      try (Stream<Path> files = Files.list(Samples.dir().resolve(sub))) {
        for (Path f : files.toList()) {
          String rel = sub + "/" + f.getFileName();
          assertThat(used).as("sample %s used by a test row", rel).contains(rel);
          assertThat(readme).as("sample %s documented", rel).contains(rel);
        }
      }
    }
  }
}
