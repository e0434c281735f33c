package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.Command;
import dev.hangar.driver.CommandPlanning;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar plan Deploy} on a libvirt test-driver host with a real ovsdb-server: the plan
 * changes nothing, and matches, object for object, what the Deploy then makes.
 */
class KvmPlanTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private KvmTestbed bed;
  private CommandPlanning planning;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    planning = new CommandPlanning(BackendRegistry.empty().register(bed.provider), c -> bed.api);
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void aDeployPlanChangesNothingAndMatchesWhatTheDeployThenMakes() throws Exception {
    Map<String, String> attrs = templateAttrs();
    String request = Contexts.request(KvmTestbed.deployApp("act-p", "web",
        KvmTestbed.PATH_TEMPLATE, attrs));
    Cloud before = cloud();

    JsonNode entry = plan(request).get(0);
    assertThat(cloud()).as("the cloud after the plan").isEqualTo(before);

    assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
    List<JsonNode> ops = new ArrayList<>();
    entry.path("operations").forEach(ops::add);
    assertThat(ops).allSatisfy(op -> {
      assertThat(op.path("op").asText()).isEqualTo("create");
      assertThat(op.path("where").asText()).isEqualTo(bed.uri);
    });
    JsonNode result = bed.deploy(request, CancellationContext.NONE).get(0);
    assertThat(result.path("success").asBoolean()).as(result.toString()).isTrue();
    Cloud after = cloud();

    List<String> newDomains = minus(after.domains(), before.domains());
    List<String> newVolumes = minus(after.volumes(), before.volumes());
    List<String> newPorts = minus(after.ports(), before.ports());
    assertThat(names(ops, "domain")).containsExactlyElementsOf(newDomains);
    assertThat(names(ops, "volume")).containsExactlyInAnyOrderElementsOf(
        newVolumes.stream().map(v -> "hangar-pool/" + v).toList());
    // The linked clone (the test driver cannot upload a cloud-init seed: no seed here).
    assertThat(names(ops, "volume")).hasSize(1);
    assertThat(names(ops, "OVS port")).containsExactlyInAnyOrderElementsOf(newPorts)
        .hasSize(2);
    JsonNode domain = ops.stream().filter(o -> o.path("kind").asText().equals("domain"))
        .findFirst().orElseThrow();
    assertThat(domain.path("id").asText()).isEqualTo(result.path("vmUuid").asText());
    assertThat(domain.path("name").asText()).isEqualTo(result.path("vmName").asText());
    assertThat(result.path("deployedAppAdditionalData").path(KvmCompute.HYPERVISOR).asText())
        .isEqualTo(bed.uri);
    for (JsonNode op : ops) {
      if (op.path("kind").asText().equals("OVS port")) {
        String port = op.path("name").asText();
        assertThat(bed.portColumn(port, "tag")).isEqualTo(op.path("details").path("tag")
            .asText()).isEqualTo("4095");
        assertThat(bed.portColumn(port, "protected")).isEqualTo("true");
      }
    }
    JsonNode disk = ops.stream().filter(o -> o.path("name").asText().endsWith("-disk0.qcow2"))
        .findFirst().orElseThrow();
    String volXml = bed.libvirt().storagePoolLookupByName("hangar-pool").storageVolLookupByName(
        disk.path("name").asText().substring("hangar-pool/".length())).getXMLDesc(0);
    assertThat(volXml).contains("<path>/hangar-pool/" + disk.path("details")
        .path("backingVolume").asText() + "</path>");
  }

  @Test
  void aRetryPlanSaysTheVmAndItsPartsExist() throws Exception {
    String request = Contexts.request(KvmTestbed.deployApp("act-r", "web",
        KvmTestbed.PATH_TEMPLATE, templateAttrs()));
    JsonNode first = plan(request).get(0);
    JsonNode result = bed.deploy(request, CancellationContext.NONE).get(0);
    assertThat(result.path("success").asBoolean()).as(result.toString()).isTrue();
    Cloud before = cloud();

    JsonNode retry = plan(request).get(0);

    assertThat(cloud()).isEqualTo(before);
    assertThat(retry.path("success").asBoolean()).as(retry.toString()).isTrue();
    List<JsonNode> ops = new ArrayList<>();
    retry.path("operations").forEach(ops::add);
    assertThat(ops).isNotEmpty().allSatisfy(op -> assertThat(op.path("op").asText())
        .isEqualTo("exists"));
    List<JsonNode> planned = new ArrayList<>();
    first.path("operations").forEach(planned::add);
    for (String kind : List.of("domain", "volume", "OVS port")) {
      assertThat(names(ops, kind)).as(kind)
          .containsExactlyInAnyOrderElementsOf(names(planned, kind));
    }
    assertThat(ops.stream().filter(o -> o.path("kind").asText().equals("domain")).findFirst()
        .orElseThrow().path("id").asText()).isEqualTo(result.path("vmUuid").asText());
  }

  @Test
  void badActionsGetTheirOwnErrorAndTheOthersArePlanned() throws Exception {
    Map<String, String> cpu = KvmTestbed.kernelAttrs();
    cpu.put("CPU", "0");
    Map<String, String> missing = templateAttrs();
    missing.put("Template", "missing.qcow2");
    String request = Contexts.request(
        KvmTestbed.deployApp("bad-cpu", "db", KvmTestbed.PATH_KERNEL, cpu),
        KvmTestbed.deployApp("good", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs()),
        "{\"type\":\"setVlan\",\"actionId\":\"vlan\",\"actionParams\":{\"vlanId\":\"10\"}}");
    Cloud before = cloud();

    JsonNode plan = plan(request);

    assertThat(cloud()).isEqualTo(before);
    assertThat(plan).hasSize(3);
    assertThat(plan.get(0).path("success").asBoolean()).isFalse();
    assertThat(plan.get(0).path("error").asText()).contains("'CPU' must be between 1 and 64");
    assertThat(plan.get(1).path("success").asBoolean()).as(plan.get(1).toString()).isTrue();
    assertThat(plan.get(1).path("operations").get(0).path("details").path("boot").asText())
        .isEqualTo("kernel /boot/vmlinuz");
    assertThat(plan.get(2).path("success").asBoolean()).isFalse();
    assertThat(plan.get(2).path("error").asText()).isNotBlank();
  }

  @Test
  void aConnectivityPlanGivesTheExactRowChangesThatTheCommandThenMakes() throws Exception {
    JsonNode vm = bed.deploy("act-v", "db", KvmTestbed.PATH_KERNEL, KvmTestbed.kernelAttrs());
    JsonNode other = bed.deploy("act-o", "other", KvmTestbed.PATH_KERNEL,
        KvmTestbed.kernelAttrs());
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    assertThat(other.path("success").asBoolean()).as(other.toString()).isTrue();
    List<Map<String, Object>> actions = List.of(
        VlanRequests.withVnic(VlanRequests.setVlan("access", vm, "10", "Access"), "1"),
        VlanRequests.withVnic(VlanRequests.setVlan("trunk", vm, "20-21,30", "Trunk"), "2"),
        VlanRequests.withVnic(VlanRequests.setVlan("mgmt", vm, "11", "Access"), "0"));
    String request = Contexts.request(actions.stream().map(CODEC::write)
        .toArray(String[]::new));
    Cloud before = cloud();

    JsonNode plan = plan(Command.APPLY_CONNECTIVITY_CHANGES, request);

    assertThat(cloud()).as("the cloud after the plan").isEqualTo(before);
    assertThat(plan).hasSize(3);
    assertThat(plan.get(2).path("success").asBoolean()).isFalse();
    assertThat(plan.get(2).path("error").asText()).contains("management network");
    Map<String, JsonNode> planned = new LinkedHashMap<>();
    for (JsonNode entry : List.of(plan.get(0), plan.get(1))) {
      assertThat(entry.path("success").asBoolean()).as(entry.toString()).isTrue();
      assertThat(entry.path("operations")).hasSize(1);
      JsonNode op = entry.path("operations").get(0);
      assertThat(op.path("op").asText()).isEqualTo("update");
      assertThat(op.path("kind").asText()).isEqualTo("OVS port");
      assertThat(op.path("where").asText()).isEqualTo(bed.uri);
      assertThat(columns(op.path("details").path("before")))
          .isEqualTo(before.portRows().get(op.path("name").asText()));
      planned.put(op.path("name").asText(), op);
    }
    assertThat(columns(planned.values().iterator().next().path("details").path("after")))
        .isEqualTo("10 [] []");

    JsonNode results = VlanRequests.apply(bed, actions.toArray(Map[]::new));
    assertThat(results.get(0).path("success").asBoolean()).as(results.toString()).isTrue();
    assertThat(results.get(1).path("success").asBoolean()).as(results.toString()).isTrue();
    Cloud after = cloud();

    Map<String, String> changed = new LinkedHashMap<>();
    after.portRows().forEach((port, row) -> {
      if (!row.equals(before.portRows().get(port))) {
        changed.put(port, row);
      }
    });
    Map<String, String> expected = new LinkedHashMap<>();
    planned.forEach((port, op) -> expected.put(port, columns(op.path("details").path("after"))));
    assertThat(changed).as("rows the command changed").isEqualTo(expected);
    assertThat(after.domains()).isEqualTo(before.domains());

    JsonNode again = plan(Command.APPLY_CONNECTIVITY_CHANGES, request);
    assertThat(again.get(0).path("operations").get(0).path("op").asText()).isEqualTo("exists");
    assertThat(again.get(1).path("operations").get(0).path("op").asText()).isEqualTo("exists");
    assertThat(cloud()).isEqualTo(after);
  }

  /** A plan's VLAN columns as ovs-vsctl prints them: {@code 10 [] []}. */
  private static String columns(JsonNode c) {
    List<String> out = new ArrayList<>();
    for (String col : List.of("tag", "trunks", "vlan_mode")) {
      JsonNode v = c.path(col);
      if (v.isArray()) {
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(x.asText()));
        out.add("[" + String.join(", ", items) + "]");
      } else {
        out.add(v.asText());
      }
    }
    return String.join(" ", out);
  }

  @Test
  void aCommandThatCannotBePlannedIsAClientError() {
    assertThatThrownBy(() -> planning.plan(Command.POWER_CYCLE, context(), "{}"))
        .isInstanceOf(ClientException.class).hasMessageContaining("cannot plan PowerCycle")
        .hasMessageContaining("Deploy");
  }

  private static Map<String, String> templateAttrs() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("Template", "tmpl.qcow2");
    a.put("Disk Size", "4");
    a.put("NIC Count", "2");
    a.put("Wait for IP", "False");
    return a;
  }

  private JsonNode plan(String request) {
    return plan(Command.DEPLOY, request);
  }

  private JsonNode plan(Command command, String request) {
    String json = planning.plan(command, context(), request);
    JsonNode plan = CODEC.readTree(json, "plan");
    assertThat(plan.path("command").asText()).isEqualTo(command.standardName());
    return plan.path("plan");
  }

  private String context() {
    return "{\"connectivity\":{\"server_address\":\"127.0.0.1\",\"admin_auth_token\":\"t\"},"
        + "\"resource\":{\"name\":\"prov\",\"fullname\":\"prov\",\"model\":\"Hangar Cloud"
        + " Provider\",\"attributes\":" + CODEC.write(bed.attributes) + "},\"reservation\":{"
        + "\"reservation_id\":\"res-1\"}}";
  }

  /** What the cloud shows: domains, pool volumes, bridge ports with their VLAN columns. */
  private record Cloud(List<String> domains, List<String> volumes, List<String> ports,
      Map<String, String> portRows) {}

  private Cloud cloud() throws Exception {
    Map<String, String> rows = new LinkedHashMap<>();
    for (String p : bed.ports()) {
      rows.put(p, bed.portColumn(p, "tag") + " " + bed.portColumn(p, "trunks") + " "
          + bed.portColumn(p, "vlan_mode"));
    }
    return new Cloud(sorted(bed.domains()), sorted(bed.volumes()), sorted(bed.ports()), rows);
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  private static List<String> minus(List<String> a, List<String> b) {
    return a.stream().filter(x -> !b.contains(x)).toList();
  }

  private static List<String> names(List<JsonNode> ops, String kind) {
    return ops.stream().filter(o -> o.path("kind").asText().equals(kind))
        .map(o -> o.path("name").asText()).toList();
  }
}
