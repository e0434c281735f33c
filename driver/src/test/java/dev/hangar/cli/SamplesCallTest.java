package dev.hangar.cli;

import static dev.hangar.testing.Samples.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.aws.Ec2Peer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar call} on every sample, against what is installed: the KVM backend on libvirt's
 * {@code test:///default} with an OVSDB remote that does not exist (so the outcome never depends
 * on the machine), and the AWS backend pointed at an empty EC2 peer ({@code --set awsEndpoint}).
 * Each prints a well-formed response whose every action carries the expected clear error, or
 * (commands without actions) raises with it, or succeeds (removeVlan of a VM that is gone,
 * DeleteInstance of one, get_inventory and PrepareSandboxInfra/CleanupSandboxInfra on AWS).
 */
class SamplesCallTest {
  static final String NO_OVSDB = "unix:/nonexistent/hangar-test/db.sock";
  /** The samples' app instance, which the empty EC2 peer does not have. */
  static final String NO_INSTANCE = "instance i-0123456789abcdef0 of app 'app' no longer exists";
  static Ec2Peer ec2;
  static final String GONE = "no longer exists on any hypervisor of this provider";
  /** The OpenStack samples, pointed at a closed loopback port. */
  static final String NO_KEYSTONE_URL = "http://127.0.0.1:9/v3";
  static final String NO_KEYSTONE = "cannot reach Keystone at " + NO_KEYSTONE_URL;

  /**
   * A row of samples/README.md's table and what {@code hangar call} answers to it; {@code args}
   * are extra arguments ({@code --param}, {@code --set}); {@code raises}: the command raises
   * {@code error} instead of answering per action; {@code out}: what a successful answer prints.
   */
  record Sample(String command, String context, String request, String error, List<String> args,
      boolean raises, String out) {
    Sample(String command, String context, String request, String error) {
      this(command, context, request, error, List.of(), request == null && error != null, null);
    }

    @Override
    public String toString() {
      return command + " " + context + (request == null ? "" : " " + request)
          + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }
  }

  /** The bad-input guards of the commands beyond the standard: checked before any cloud call. */
  static final String NO_UID = "has no app_context.deployed_app_json.vmdetails.uid";

  static final List<Sample> SAMPLES = List.of(
      new Sample("get_inventory", "contexts/kvm-autoload.json", null,
          "could not look up the bridge on bridge br-int of test:///default: cannot reach OVSDB"
              + " at " + NO_OVSDB),
      new Sample("get_inventory", "contexts/aws-autoload.json", null, null),
      new Sample("Deploy", "contexts/kvm-provider.json", "requests/deploy-kvm-template.json",
          "could not create the vNIC ports on bridge br-int of test:///default: cannot reach"
              + " OVSDB at " + NO_OVSDB),
      new Sample("Deploy", "contexts/kvm-provider.json", "requests/deploy-kvm-kernel.json",
          "could not create the vNIC ports on bridge br-int of test:///default: cannot reach"
              + " OVSDB at " + NO_OVSDB),
      new Sample("Deploy", "contexts/aws-provider.json", "requests/deploy-aws-ec2.json",
          "subnet(s) subnet-0a1b2c3d4e5f60718 of the connectSubnet actions do not exist"),
      new Sample("PowerOn", "contexts/kvm-remote-web.json", null, GONE),
      new Sample("PowerOff", "contexts/kvm-remote-db.json", null, GONE),
      new Sample("DeleteInstance", "contexts/kvm-remote-web.json", null, null),
      new Sample("remote_refresh_ip", "contexts/aws-remote-app.json", null, NO_INSTANCE),
      new Sample("GetVmDetails", "contexts/kvm-provider.json",
          "requests/get-vm-details-kvm.json", GONE),
      new Sample("GetVmDetails", "contexts/aws-provider.json",
          "requests/get-vm-details-aws.json", NO_INSTANCE),
      new Sample("ApplyConnectivityChanges", "contexts/kvm-provider.json",
          "requests/apply-connectivity-setvlan.json", GONE),
      new Sample("ApplyConnectivityChanges", "contexts/kvm-provider.json",
          "requests/apply-connectivity-removevlan.json", null),
      new Sample("PrepareSandboxInfra", "contexts/aws-provider.json",
          "requests/prepare-sandbox-infra.json", null),
      new Sample("CleanupSandboxInfra", "contexts/aws-provider.json",
          "requests/cleanup-sandbox-infra.json", null),
      new Sample("SetAppSecurityGroups", "contexts/aws-provider.json",
          "requests/set-app-security-groups.json", NO_INSTANCE),
      new Sample("get_inventory", "contexts/openstack-autoload.json", null, NO_KEYSTONE),
      new Sample("Deploy", "contexts/openstack-provider.json",
          "requests/deploy-openstack-web.json", NO_KEYSTONE),
      new Sample("Deploy", "contexts/openstack-provider.json",
          "requests/deploy-openstack-db.json", NO_KEYSTONE),
      new Sample("PowerOn", "contexts/openstack-remote-web.json", null, NO_KEYSTONE),
      new Sample("PowerOff", "contexts/openstack-remote-db.json", null, NO_KEYSTONE),
      new Sample("get_inventory", "contexts/openstack-l3-autoload.json", null, NO_KEYSTONE),
      new Sample("PrepareSandboxInfra", "contexts/openstack-l3-provider.json",
          "requests/prepare-sandbox-infra.json", NO_KEYSTONE),
      new Sample("Deploy", "contexts/openstack-l3-provider.json",
          "requests/deploy-openstack-l3.json", NO_KEYSTONE),
      new Sample("GetVmDetails", "contexts/openstack-l3-provider.json",
          "requests/get-vm-details-openstack-l3.json", NO_KEYSTONE),
      new Sample("SetAppSecurityGroups", "contexts/openstack-l3-provider.json",
          "requests/set-app-security-groups-openstack.json", NO_KEYSTONE),
      new Sample("CleanupSandboxInfra", "contexts/openstack-l3-provider.json",
          "requests/cleanup-sandbox-infra.json", NO_KEYSTONE),
      new Sample("remote_refresh_ip", "contexts/openstack-l3-remote-app.json", null,
          NO_KEYSTONE),
      new Sample("SaveApp", "contexts/kvm-provider.json", "requests/save-app.json",
          "actionParams.sourceVmUuid is missing", List.of("--set", "webUuid="), false, null),
      new Sample("DeleteSavedApps", "contexts/kvm-provider.json",
          "requests/delete-saved-apps.json", "has no artifactRef",
          List.of("--set", "savedArtifactRef="), false, null),
      new Sample("validate_attributes", "contexts/kvm-provider.json",
          "requests/validate-attributes-kvm.json", "attribute 'Kernel' must be an absolute path",
          List.of("--set", "kernel=vmlinuz", "--set", "ram=0"), true, null),
      new Sample("get_attribute_hints", "contexts/aws-provider.json",
          "requests/get-attribute-hints-aws.json", null, List.of(), false,
          "[{\"AttributeName\":\"Hangar Cloud Provider.AWS EC2 Instance.Public IP Options\","
              + "\"Values\":[\"No Public IP\",\"Public IP\",\"Elastic IP\"]}]"),
      new Sample("remote_save_snapshot", "contexts/kvm-remote-web.json", null, "contains '/'",
          List.of("--param", "snapshot_name=base/x", "--param", "save_memory=No"), true, null),
      new Sample("remote_get_snapshots", "contexts/kvm-remote-web.json", null, NO_UID,
          List.of("--set", "webUuid="), true, null),
      new Sample("remote_restore_snapshot", "contexts/kvm-remote-web.json", null,
          "has an empty name in it", List.of("--param", "snapshot_name=base//x"), true, null),
      new Sample("remote_remove_snapshot", "contexts/kvm-remote-db.json", null,
          "remove_child must be Yes or No, not 'Maybe'",
          List.of("--param", "snapshot_name=base", "--param", "remove_child=Maybe"), true, null),
      new Sample("reconfigure_vm", "contexts/kvm-remote-web.json", null,
          "the size of Hard Disk 1 must be from 1 to", List.of("--param", "hdd=1:-5"), true,
          null),
      new Sample("get_vm_console", "contexts/kvm-remote-db.json", null, NO_UID,
          List.of("--set", "dbUuid="), true, null),
      new Sample("PowerCycle", "contexts/aws-remote-app.json", null,
          "delay must be a number of seconds", List.of("--param", "delay=soon"), true, null),
      new Sample("Recover", "contexts/kvm-provider.json", null, "attribute 'Areas' is empty",
          List.of("--param", "hypervisor="), true, null));

  @BeforeAll
  static void startEc2Peer() {
    ec2 = new Ec2Peer("AKIAEXAMPLEEXAMPLE00");
  }

  @AfterAll
  static void stopEc2Peer() {
    ec2.close();
  }

  static Stream<Sample> samples() {
    return SAMPLES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void eachSampleAnswersAsTheInstalledBackendsCan(Sample sample) throws Exception {
    List<String> args = new ArrayList<>(List.of("call", sample.command(), "--context",
        path(sample.context()), "--set", "ovsdbRemote=" + NO_OVSDB, "--set",
        "awsEndpoint=" + ec2.endpoint(), "--set", "keystoneUrl=" + NO_KEYSTONE_URL));
    if (sample.request() != null) {
      args.addAll(List.of("--request", path(sample.request())));
    }
    args.addAll(sample.args());
    CliRunner r = CliRunner.run(args.toArray(String[]::new));
    if (sample.out() != null) {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
      assertThat(r.out().strip()).isEqualTo(sample.out());
      return;
    }
    if (sample.error() == null) {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
      if (sample.request() != null) {
        JsonNode results = WireCodec.standard().mapper().readTree(r.out())
            .at("/driverResponse/actionResults");
        assertThat(results).isNotEmpty().allSatisfy(item ->
            assertThat(item.path("success").asBoolean()).as(item.toString()).isTrue());
      }
      return;
    }
    if (sample.raises()) {
      assertThat(r.code()).as(r.err()).isEqualTo(Main.RAISED);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains(sample.command() + " failed: ").contains(sample.error());
      return;
    }
    assertThat(r.code()).as(r.err()).isEqualTo(Main.OK);
    JsonNode response = WireCodec.standard().mapper().readTree(r.out());
    JsonNode items = response.isArray() ? response : response.at("/driverResponse/actionResults");
    assertThat(items).isNotEmpty();
    for (JsonNode item : items) {
      String error = item.has("errorMessage") ? item.get("errorMessage").asText()
          : item.get("error").asText();
      assertThat(error).contains(sample.error());
    }
  }

  @Test
  void everyCommandHasASampleAndEverySampleFileIsUsedAndDocumented() throws Exception {
    Set<String> commands = new HashSet<>();
    Set<String> used = new HashSet<>();
    for (Sample s : SAMPLES) {
      commands.add(s.command());
      used.add(s.context());
      if (s.request() != null) {
        used.add(s.request());
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
