package dev.hangar.host;

import static dev.hangar.host.TwoKvmHosts.deployApp;
import static dev.hangar.host.TwoKvmHosts.domainXml;
import static dev.hangar.host.TwoKvmHosts.domainsOf;
import static dev.hangar.host.TwoKvmHosts.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.testing.Contexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two setVlan requests for one vNIC arriving at once on two sandbox hosts, each with its own KVM
 * backend (own connections and VM locks, so nothing in memory orders them), sharing only
 * libvirt's test:///default and a real ovsdb-server: both succeed, the port row is wholly one
 * request's VLAN, and the VLAN the domain's metadata records is the row's.
 */
class TwoHostsSetVlanRaceTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final Duration CALL = Duration.ofSeconds(180);

  private TwoKvmHosts hosts;
  private ExecutorService pool;

  @BeforeEach
  void start() throws Exception {
    hosts = new TwoKvmHosts();
    pool = Executors.newFixedThreadPool(12);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void twoSetVlanForOneVnicOnTwoHostsLeaveOneConsistentPortRowAndRecord() throws Exception {
    JsonNode vm = result(hosts.clientA.call(Command.DEPLOY, hosts.ctx, Contexts.request(
        deployApp("vlan-vm", "vlanvm", "32")), CALL));
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    String port = hosts.ovsdb.vsctl("list-ports", "br-int").strip();
    assertThat(port).startsWith("hg").doesNotContain("\n");
    try {
      for (int i = 0; i < 12; i++) {
        int access = 100 + i;
        String trunk = (200 + i) + "-" + (210 + i);
        String onA = Contexts.request(CODEC.write(setVlan("a" + i, vm, "" + access, "Access")));
        String onB = Contexts.request(CODEC.write(setVlan("b" + i, vm, trunk, "Trunk")));
        CyclicBarrier together = new CyclicBarrier(2);
        Future<JsonNode> ra = pool.submit(() -> {
          together.await();
          return result(hosts.clientA.call(Command.APPLY_CONNECTIVITY_CHANGES, hosts.ctx, onA,
              CALL));
        });
        Future<JsonNode> rb = pool.submit(() -> {
          together.await();
          return result(hosts.clientB.call(Command.APPLY_CONNECTIVITY_CHANGES, hosts.ctx, onB,
              CALL));
        });
        assertThat(ra.get().path("success").asBoolean()).as(ra.get().toString()).isTrue();
        assertThat(rb.get().path("success").asBoolean()).as(rb.get().toString()).isTrue();

        String tag = column(port, "tag");
        String mode = column(port, "vlan_mode");
        String trunks = column(port, "trunks");
        String recorded = recordedNic(vm.path("vmUuid").asText(), port);
        if (tag.equals("" + access)) {
          assertThat(List.of(mode, trunks)).as("round %d: access row", i)
              .containsExactly("[]", "[]");
          assertThat(recorded).as("round %d: recorded", i).contains("tag=\"" + access + "\"")
              .doesNotContain("trunks=").doesNotContain("mode=");
        } else {
          assertThat(List.of(tag, mode)).as("round %d: trunk row", i)
              .containsExactly("[]", "trunk");
          assertThat(trunks).as("round %d", i).startsWith("[" + (200 + i) + ",")
              .endsWith(", " + (210 + i) + "]");
          assertThat(recorded).as("round %d: recorded", i).contains("mode=\"trunk\"")
              .doesNotContain("tag=");
        }
      }
    } finally {
      hosts.clientB.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(hosts.attrs, vm),
          null, CALL);
    }
    assertThat(domainsOf(hosts.reservation)).isEmpty();
    assertThat(hosts.ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
  }

  private String column(String port, String column) throws Exception {
    return hosts.ovsdb.vsctl("get", "Port", port, column).strip();
  }

  /** The Hangar metadata element recording the VLAN of {@code device}, or "" when parked. */
  private static String recordedNic(String uuid, String device) throws Exception {
    Matcher m = Pattern.compile("<[a-z]+:nic [^>]*dev=\"" + Pattern.quote(device)
        + "\"[^>]*>").matcher(domainXml(uuid));
    return m.find() ? m.group() : "";
  }

  /** A setVlan for NIC 0 of the VM a Deploy result names, as real servers send it. */
  private static Map<String, Object> setVlan(String actionId, JsonNode vm, String vlanId,
      String mode) {
    List<Map<String, String>> custom = new ArrayList<>();
    custom.add(attr("VM_UUID", vm.path("vmUuid").asText(), "customAttribute"));
    custom.add(attr("Vnic Name", "0", "customAttribute"));
    vm.path("deployedAppAdditionalData").fields().forEachRemaining(e -> custom.add(
        attr(e.getKey(), e.getValue().asText(), "customAttribute")));
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", "setVlan");
    a.put("actionId", actionId);
    a.put("connectionId", "conn-" + actionId);
    a.put("connectionParams", Map.of("type", "setVlanParameter", "vlanId", vlanId, "mode", mode,
        "vlanServiceAttributes", List.of(attr("QnQ", "False", "vlanServiceAttribute"))));
    a.put("connectorAttributes", List.of());
    a.put("actionTarget", Map.of("type", "actionTarget", "fullName", vm.path("vmName").asText(),
        "fullAddress", "NA"));
    a.put("customActionAttributes", custom);
    return a;
  }

  private static Map<String, String> attr(String name, String value, String type) {
    return Map.of("attributeName", name, "attributeValue", value, "type", type);
  }

}
