package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.driver.embedded.PrivateOpenStack;
import dev.hangar.driver.testing.OpenStackStacks;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.openstack.OSFactory;

/** The shared test stack answers as a real OpenStack: every service of the catalog is there. */
class OpenStackStackTest {
  @Test
  void everyServiceOfTheCatalogAnswers() {
    PrivateOpenStack stack = OpenStackStacks.forTest();
    OSClientV3 os = OSFactory.builderV3().endpoint(stack.keystoneUrl())
        .credentials("admin", PrivateOpenStack.PASSWORD, Identifier.byName("Default"))
        .scopeToProject(Identifier.byName("admin"), Identifier.byName("Default"))
        .authenticate();
    List<String> types = os.getToken().getCatalog().stream().map(s -> s.getType()).toList();
    assertThat(types).contains("identity", "image", "placement", "compute", "network");
    assertThat(os.compute().hypervisors().list()).singleElement()
        .satisfies(h -> assertThat(h.getState()).isEqualTo("up"));
    assertThat(os.networking().network().list()).isNotNull();
    assertThat(os.imagesV2().list()).isNotNull();
  }
}
