package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.ResourceRemoteCommandContext;
import dev.hangar.driver.ClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Quotas at Deploy on the libvirt test driver, counted from the host by Hangar's marks. */
class KvmQuotaTest {
  private KvmTestbed bed;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
  }

  @AfterEach
  void stop() {
    bed.close();
  }

  @Test
  void aDeployPastAReservationLimitFailsNamingItsUseAndLimitAndLeavesNothing() throws Exception {
    String quotas = "reservation.vms=2";
    assertThat(deploy("res-q", "Global", quotas, "a1", "a").path("success").asBoolean()).isTrue();
    assertThat(deploy("res-q", "Global", quotas, "a2", "b").path("success").asBoolean()).isTrue();
    JsonNode third = deploy("res-q", "Global", quotas, "a3", "c");

    assertThat(third.path("success").asBoolean()).isFalse();
    assertThat(third.path("errorMessage").asText()).contains("quota reservation.vms of"
        + " reservation 'res-q' exceeded: 3 in use with this Deploy, limit 2");
    assertThat(bed.domains()).hasSize(2);
    assertThat(bed.ports()).hasSize(2);
    assertThat(bed.volumes()).hasSize(3); // the template and two disks
    // Another reservation has its own count.
    assertThat(deploy("res-other", "Global", quotas, "o1", "d").path("success").asBoolean())
        .isTrue();
  }

  @Test
  void domainLimitsCountEveryReservationOfTheDomain() throws Exception {
    String quotas = "domain.vms=3, domain.ram=100000";
    assertThat(deploy("res-1", "Lab", quotas, "x1", "a").path("success").asBoolean()).isTrue();
    assertThat(deploy("res-1", "Lab", quotas, "x2", "b").path("success").asBoolean()).isTrue();
    assertThat(deploy("res-2", "Lab", quotas, "y1", "c").path("success").asBoolean()).isTrue();
    JsonNode over = deploy("res-2", "Lab", quotas, "y2", "d");
    assertThat(over.path("errorMessage").asText()).contains("quota domain.vms of domain 'Lab'"
        + " exceeded: 4 in use with this Deploy, limit 3");
    assertThat(deploy("res-3", "Other", quotas, "z1", "e").path("success").asBoolean()).isTrue();

    JsonNode ram = deploy("res-4", "Small", "domain.ram=1", "r1", "f");
    assertThat(ram.path("errorMessage").asText()).contains("quota domain.ram of domain 'Small'"
        + " exceeded:").contains("MiB in use with this Deploy, limit 1");
  }

  @Test
  void aBadQuotasAttributeFailsTheDeployNamingIt() throws Exception {
    JsonNode r = deploy("res-bad", "Global", "vms=3", "b1", "a");
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("'Quotas'").contains("SCOPE.MEASURE=N");
    assertThat(bed.domains()).isEmpty();
  }

  @Test
  void twentyParallelDeploysNeverExceedTheLimit() throws Exception {
    String quotas = "reservation.vms=5";
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<JsonNode>> all = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        int n = i;
        all.add(pool.submit(() -> deploy("res-par", "Global", quotas, "p" + n, "app" + n)));
      }
      int ok = 0;
      for (Future<JsonNode> f : all) {
        JsonNode r = f.get();
        if (r.path("success").asBoolean()) {
          ok++;
        } else {
          assertThat(r.path("errorMessage").asText()).contains("quota reservation.vms");
        }
      }
      assertThat(ok).isLessThanOrEqualTo(5);
      assertThat(bed.domains()).hasSize(ok);
      assertThat(bed.ports()).hasSize(ok);
      // Once the race is over, Deploys fill the places left, exactly up to the limit.
      int more = 0;
      while (deploy("res-par", "Global", quotas, "q" + more, "late" + more).path("success")
          .asBoolean()) {
        more++;
        assertThat(ok + more).isLessThanOrEqualTo(5);
      }
      assertThat(ok + more).isEqualTo(5);
      assertThat(bed.domains()).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reconfigureCountsMoreVcpusAgainstTheQuotasAndUndoesAChangeOverThem() throws Exception {
    String quotas = "reservation.vcpus=3";
    JsonNode a = deploy("res-1", "Global", quotas, "v1", "a");
    assertThat(deploy("res-1", "Global", quotas, "v2", "b").path("success").asBoolean())
        .isTrue();
    Map<String, String> provider = new LinkedHashMap<>(bed.attributes);
    provider.put("Hangar Cloud Provider.Quotas", quotas);
    ResourceRemoteCommandContext app = KvmTestbed.remote(provider, a, Map.of());
    bed.driver.powerOff(app);

    bed.driver.reconfigureVm(app, "2", null, null); // 2 + 1 of b: at the limit
    assertThatThrownBy(() -> bed.driver.reconfigureVm(app, "3", null, null))
        .isInstanceOf(ClientException.class)
        .hasMessageContaining("quota reservation.vcpus of reservation 'res-1' exceeded: 4");
    String xml = bed.libvirt().domainLookupByUUIDString(a.path("vmUuid").asText())
        .getXMLDesc(0);
    assertThat(xml).as("the change over the quota is undone").containsPattern(
        "<vcpu[^>]*>2</vcpu>");
  }

  private JsonNode deploy(String reservation, String domain, String quotas, String actionId,
      String app) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Template", "tmpl.qcow2");
    attrs.put("NIC Count", "1");
    attrs.put("RAM", "256"); // 20 of them fit the test host's 8 GiB
    attrs.put("Wait for IP", "False");
    return bed.deployFor(reservation, domain, Map.of("Quotas", quotas), actionId, app,
        attrs);
  }
}
