package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Domain;

/** Free memory for placement on a test-driver host: the node's memory less running VMs'. */
class PlacementTest {
  private static final long NODE_BYTES = 8L << 30; // KvmTestbed's node: 8 GiB
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
  void runningVmsCountAndStoppedOnesDoNot() throws Exception {
    Hypervisor host = bed.provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(bed.uri, null, null), Duration.ofSeconds(5));
    assertThat(Placement.freeMemory(host)).isEqualTo(NODE_BYTES);

    Map<String, String> attrs = KvmTestbed.kernelAttrs();
    attrs.put("RAM", "2048");
    JsonNode a = bed.deploy("act-1", "a", KvmTestbed.PATH_KERNEL, attrs);
    attrs.put("RAM", "1024");
    JsonNode b = bed.deploy("act-2", "b", KvmTestbed.PATH_KERNEL, attrs);
    assertThat(a.path("success").asBoolean()).as(a.toString()).isTrue();
    assertThat(b.path("success").asBoolean()).as(b.toString()).isTrue();
    assertThat(Placement.freeMemory(host)).isEqualTo(NODE_BYTES - (3072L << 20));

    Domain d = host.connect().domainLookupByUUIDString(a.path("vmUuid").asText());
    d.destroy();
    d.free();
    assertThat(Placement.freeMemory(host)).isEqualTo(NODE_BYTES - (1024L << 20));
  }
}
