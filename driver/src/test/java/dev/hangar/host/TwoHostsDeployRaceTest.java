package dev.hangar.host;

import static dev.hangar.host.TwoKvmHosts.deployApp;
import static dev.hangar.host.TwoKvmHosts.domainXml;
import static dev.hangar.host.TwoKvmHosts.domainsOf;
import static dev.hangar.host.TwoKvmHosts.names;
import static dev.hangar.host.TwoKvmHosts.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.testing.Contexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * Deploys racing through two sandbox hosts, each with its own KVM backend (own connections, VM
 * locks and memory ledger), sharing only the cloud: libvirt's test:///default and an
 * ovsdb-server. What keeps them correct is the cloud's own conditional writes (DeployClaims,
 * MemoryCheck), so neither host's memory plays a part.
 */
class TwoHostsDeployRaceTest {
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
  void theSameDeployOnTwoHostsAtOnceMakesOneVmThatBothAnswersDescribe() throws Exception {
    List<JsonNode> made = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        String request = Contexts.request(deployApp("same-" + i, "twin" + i, "64"));
        CyclicBarrier together = new CyclicBarrier(2);
        Future<JsonNode> onA = pool.submit(() -> {
          together.await();
          return result(hosts.clientA.call(Command.DEPLOY, hosts.ctx, request, CALL));
        });
        Future<JsonNode> onB = pool.submit(() -> {
          together.await();
          return result(hosts.clientB.call(Command.DEPLOY, hosts.ctx, request, CALL));
        });
        JsonNode ra = onA.get();
        JsonNode rb = onB.get();
        if (ra.path("success").asBoolean()) {
          made.add(ra);
        }
        assertThat(ra.path("success").asBoolean()).as(ra.toString()).isTrue();
        assertThat(rb.path("success").asBoolean()).as(rb.toString()).isTrue();
        for (String field : List.of("vmUuid", "vmName", "deployedAppAdditionalData")) {
          assertThat(rb.path(field)).as(field).isEqualTo(ra.path(field));
        }
        // The same details (disks, MACs, ports, state) but for the address: Wait for IP is off,
        // so the creator answers none while the adopter reads what the guest has by then.
        assertThat(withoutIp(rb.path("vmDetailsData"))).isEqualTo(withoutIp(ra.path(
            "vmDetailsData")));
        assertThat(List.of(ra.path("infoMessage").asText(), rb.path("infoMessage").asText()))
            .as("one host made it, the other adopted it")
            .anyMatch(m -> m.startsWith("created on"))
            .anyMatch(m -> m.startsWith("found the VM"));
        assertThat(domainsOf(hosts.reservation)).hasSize(i + 1);
        assertThat(claims()).isEmpty();
        // One parked port per VM: the NIC the MAC of both answers names.
        assertThat(hosts.ovsdb.vsctl("list-ports", "br-int").strip().split("\n")).hasSize(i + 1);
        String mac = ra.path("vmDetailsData").path("vmNetworkData").get(0).path("macAddress")
            .asText();
        assertThat(domainXml(ra.path("vmUuid").asText())).contains(mac);
      }
    } finally {
      for (JsonNode r : made) {
        hosts.clientB.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(hosts.attrs, r),
            null, CALL);
      }
    }
    assertThat(domainsOf(hosts.reservation)).isEmpty();
    assertThat(hosts.ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
  }

  @Test
  void deploysPlacedByTwoHostsAtOnceNeverOvercommitTheHypervisor() throws Exception {
    long freeMiB = freeMiB();
    long ramMiB = freeMiB / 4;
    assertThat(ramMiB).as("test:///default has room for a few VMs").isGreaterThan(32);
    int fit = (int) (freeMiB / ramMiB);
    int n = 10;
    List<JsonNode> kept = new ArrayList<>();
    try {
      CyclicBarrier together = new CyclicBarrier(n);
      List<Future<JsonNode>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        HostClient client = i % 2 == 0 ? hosts.clientA : hosts.clientB;
        String request = Contexts.request(deployApp("mem" + i, "mem" + i, "" + ramMiB));
        calls.add(pool.submit(() -> {
          together.await();
          return result(client.call(Command.DEPLOY, hosts.ctx, request, CALL));
        }));
      }
      for (Future<JsonNode> f : calls) {
        JsonNode r = f.get();
        if (r.path("success").asBoolean()) {
          kept.add(r);
        } else {
          assertThat(r.path("errorMessage").asText()).as(r.toString())
              .containsAnyOf("free memory", "no room for");
        }
      }
      assertThat(kept).as("placed").isNotEmpty().hasSizeLessThanOrEqualTo(fit);
      assertThat(usedByReservationMiB()).isLessThanOrEqualTo(freeMiB);
      assertThat(domainsOf(hosts.reservation)).hasSize(kept.size());
      assertThat(claims()).isEmpty();
      assertThat(hosts.ovsdb.vsctl("list-ports", "br-int").strip().split("\n"))
          .hasSize(kept.size());
      // The room left is usable: Deploys through either host fill it exactly, then refuse.
      for (int i = 0; kept.size() <= fit && i < fit + 1; i++) {
        JsonNode r = result((i % 2 == 0 ? hosts.clientA : hosts.clientB).call(Command.DEPLOY,
            hosts.ctx,
            Contexts.request(deployApp("late" + i, "late" + i, "" + ramMiB)), CALL));
        if (!r.path("success").asBoolean()) {
          assertThat(r.path("errorMessage").asText()).as(r.toString())
              .containsAnyOf("free memory", "no room for");
          break;
        }
        kept.add(r);
      }
      assertThat(kept).hasSize(fit);
      assertThat(usedByReservationMiB()).isLessThanOrEqualTo(freeMiB);
    } finally {
      for (JsonNode r : kept) {
        hosts.clientA.call(Command.DELETE_INSTANCE, HostTesting.remoteContextOf(hosts.attrs, r),
            null, CALL);
      }
    }
    assertThat(domainsOf(hosts.reservation)).isEmpty();
    assertThat(claims()).isEmpty();
    assertThat(hosts.ovsdb.vsctl("list-ports", "br-int").strip()).isEmpty();
  }

  private static JsonNode withoutIp(JsonNode details) {
    JsonNode copy = details.deepCopy();
    for (JsonNode nic : copy.path("vmNetworkData")) {
      ((ObjectNode) nic).remove("privateIpAddress");
      var data = nic.path("networkData").elements();
      while (data.hasNext()) {
        if (data.next().path("key").asText().equals("IP")) {
          data.remove();
        }
      }
    }
    return copy;
  }

  /** The node's memory less what its running domains hold, in MiB, as placement counts it. */
  private static long freeMiB() throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      long kib = libvirt.nodeInfo().memory;
      for (Domain d : libvirt.listAllDomains(1)) {
        kib -= d.getInfo().memory;
        d.free();
      }
      return kib / 1024;
    } finally {
      libvirt.close();
    }
  }

  /** Memory of this test's running domains, in MiB. */
  private long usedByReservationMiB() throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      long kib = 0;
      for (Domain d : libvirt.listAllDomains(1)) {
        if (d.getXMLDesc(0).contains(hosts.reservation)) {
          kib += d.getInfo().memory;
        }
        d.free();
      }
      return kib / 1024;
    } finally {
      libvirt.close();
    }
  }

  /** Deploy claims left on the hypervisor. */
  private static List<String> claims() throws Exception {
    return names(xml -> xml.contains("<name>hangar-claim-"));
  }

}
