package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.internal.SecretRedactor;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.DeploymentOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * The KVM paths' deployment attribute 'Area': a new VM is placed on a hypervisor of that area
 * only, on two libvirt test-driver hosts (each with its own ovsdb-server) in areas "east" and
 * "west"; an unknown area, or an Area on a provider without Areas, is a clear per-action error
 * that makes nothing; validate_attributes names it too, and the hints are the area names.
 */
class KvmDeployAreaTest {
  private KvmTestbed east;
  private KvmTestbed west;

  @BeforeEach
  void start() throws Exception {
    east = new KvmTestbed();
    west = new KvmTestbed();
    east.attributes.put("Hangar Cloud Provider.Hypervisors", east.uri + "," + west.uri);
    east.attributes.put("Hangar Cloud Provider.OVSDB Remote", east.ovsdb.tcpRemote() + ","
        + west.ovsdb.tcpRemote());
    east.attributes.put("Hangar Cloud Provider.Areas", "east: " + east.uri + "; west: "
        + west.uri);
  }

  @AfterEach
  void stop() {
    east.close();
    west.close();
  }

  private JsonNode deploy(KvmTestbed bed, String actionId, String area) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("Template", "tmpl.qcow2");
    attrs.put("RAM", "64");
    attrs.put("Wait for IP", "False");
    if (area != null) {
      attrs.put("Area", area);
    }
    return bed.deploy(actionId, "web", KvmTestbed.PATH_TEMPLATE, attrs);
  }

  /** The domains on {@code uri} as {@code bed}'s driver sees them (test:/// state is per connection). */
  private static List<String> domains(KvmTestbed bed, String uri) throws LibvirtException {
    Connect c = bed.provider.runtimeForTests().hypervisors()
        .get(new HypervisorTarget(uri, null, null), Duration.ofSeconds(5)).connect();
    List<String> out = new ArrayList<>(List.of(c.listDefinedDomains()));
    for (int id : c.listDomains()) {
      out.add(c.domainLookupByID(id).getName());
    }
    return out;
  }

  private static String host(JsonNode r) {
    assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
    return r.path("deployedAppAdditionalData").path("hypervisor").asText();
  }

  @Test
  void aNewVmIsPlacedInItsAreaOnly() {
    // Placement alone would spread these over both hosts (most free memory first).
    for (int i = 0; i < 4; i++) {
      assertThat(host(deploy(east, "w-" + i, "west"))).as("VM %d of area west", i)
          .isEqualTo(west.uri);
      assertThat(host(deploy(east, "e-" + i, " east "))).as("VM %d of area east", i)
          .isEqualTo(east.uri);
    }
    // Without Area, both hosts stay candidates: the emptier one (east, after a fifth VM on
    // west) is taken.
    assertThat(host(deploy(east, "w-4", "west"))).isEqualTo(west.uri);
    assertThat(host(deploy(east, "any", ""))).isEqualTo(east.uri);
  }

  @Test
  void validateAttributesChecksTheAreaAndHintsListTheAreas() {
    CommandScope scope = new CommandScope("test", null, east.api, null, new SecretRedactor());
    var advisor = east.provider.open(new ProviderResource("prov", "Hangar Cloud Provider",
        east.attributes), scope).attributeAdvisor().orElseThrow();
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_KERNEL, Map.of("Area", "west"),
        scope)).isEmpty();
    assertThat(advisor.validate(DeploymentOptions.KVM_FROM_TEMPLATE, Map.of("Area", "north",
        "Template", "tmpl.qcow2"), scope)).containsExactly("attribute 'Area': 'north' is not an"
        + " area of the provider (its areas: east, west)");
    assertThat(advisor.hints(DeploymentOptions.KVM_FROM_TEMPLATE, "Area", Map.of(), scope))
        .containsExactly("east", "west");
  }

  @Test
  void anUnknownAreaIsAClearErrorAndMakesNothing() throws Exception {
    JsonNode r = deploy(east, "act-1", "north");
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).isEqualTo("attribute 'Area': 'north' is not an"
        + " area of the provider (its areas: east, west)");
    assertThat(domains(east, east.uri)).isEmpty();
    assertThat(domains(east, west.uri)).isEmpty();
  }

  @Test
  void anAreaWithoutAreasOnTheProviderIsAClearError() throws Exception {
    JsonNode r = deploy(west, "act-1", "east");
    assertThat(r.path("success").asBoolean()).isFalse();
    assertThat(r.path("errorMessage").asText()).contains("attribute 'Area' is 'east'")
        .contains("'Areas' is empty");
    assertThat(domains(west, west.uri)).isEmpty();
    assertThat(host(deploy(west, "act-2", ""))).isEqualTo(west.uri);
  }
}
