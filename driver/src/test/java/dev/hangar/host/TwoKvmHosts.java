package dev.hangar.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.kvm.KvmBackendProvider;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.libvirt.Connect;
import org.libvirt.Domain;

/**
 * Two sandbox hosts on loopback, each with its own KVM backend (own connections, VM locks and
 * memory ledger), sharing only the cloud: libvirt's test:///default with the embedded template
 * and a private ovsdb-server. {@link #ctx} is a provider context of a reservation of its own.
 */
final class TwoKvmHosts implements AutoCloseable {
  static final String TEMPLATE = "debian-12-template.qcow2";
  private static final WireCodec CODEC = WireCodec.standard();

  final EmbeddedHypervisor hypervisor;
  final PrivateOvsdbServer ovsdb;
  final BackendRegistry backendsA;
  final BackendRegistry backendsB;
  final SandboxHost a;
  final SandboxHost b;
  final HostClient clientA;
  final HostClient clientB;
  final Map<String, String> attrs;
  final ObjectNode ctx;
  final String reservation = "race-" + UUID.randomUUID();

  TwoKvmHosts() throws Exception {
    hypervisor = EmbeddedHypervisor.open();
    hypervisor.ensureTemplates(List.of(TEMPLATE));
    ovsdb = PrivateOvsdbServer.start("br-int");
    backendsA = BackendRegistry.empty().register(new KvmBackendProvider());
    backendsB = BackendRegistry.empty().register(new KvmBackendProvider());
    a = HostTesting.loopbackHost(backendsA);
    b = HostTesting.loopbackHost(backendsB);
    clientA = HostTesting.client(a);
    clientB = HostTesting.client(b);
    attrs = new LinkedHashMap<>(Contexts.kvmAttributes());
    attrs.put("Hangar Cloud Provider.Hypervisors", EmbeddedHypervisor.URI);
    attrs.put("Hangar Cloud Provider.OVS Bridge", "br-int");
    attrs.put("Hangar Cloud Provider.OVSDB Remote", ovsdb.tcpRemote());
    attrs.put("Hangar Cloud Provider.Storage Pool", EmbeddedHypervisor.POOL);
    ctx = HostTesting.resourceContext(attrs);
    ((ObjectNode) ctx.get("reservation")).put("reservation_id", reservation);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {clientA, clientB, a, b, backendsA, backendsB,
        ovsdb, hypervisor}) {
      c.close();
    }
  }

  /** The bridge's port names, one per line. */
  String ports() throws IOException {
    return ovsdb.vsctl("list-ports", "br-int").strip();
  }

  /** A deployApp of the template with one vNIC, no wait for the IP, {@code ramMiB} of RAM. */
  static String deployApp(String actionId, String app, String ramMiB) {
    String path = "Hangar Cloud Provider.KVM VM From Template";
    List<Map<String, String>> list = new ArrayList<>();
    Map.of("Template", TEMPLATE, "NIC Count", "1", "RAM", ramMiB, "Wait for IP", "False")
        .forEach((k, v) -> list.add(Map.of("attributeName", path + "." + k, "attributeValue", v,
            "type", "attribute")));
    return CODEC.write(Map.of("type", "deployApp", "actionId", actionId, "actionParams",
        Map.of("type", "deployAppParams", "appName", app, "deployment", Map.of(
            "deploymentPath", path, "attributes", list), "appResource",
            Map.of("attributes", List.of()))));
  }

  /** The first action result of a command's response. */
  static JsonNode result(String response) {
    return CODEC.readTree(response, "response").path("driverResponse").path("actionResults")
        .get(0);
  }

  /** Names of the domains whose Hangar metadata names the reservation. */
  static List<String> domainsOf(String reservation) throws Exception {
    return names(xml -> xml.contains(reservation));
  }

  static String domainXml(String uuid) throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      Domain d = libvirt.domainLookupByUUIDString(uuid);
      try {
        return d.getXMLDesc(0);
      } finally {
        d.free();
      }
    } finally {
      libvirt.close();
    }
  }

  static List<String> names(Predicate<String> xmlMatches) throws Exception {
    Connect libvirt = new Connect(EmbeddedHypervisor.URI);
    try {
      List<String> out = new ArrayList<>();
      for (Domain d : libvirt.listAllDomains(0)) {
        if (xmlMatches.test(d.getXMLDesc(0))) {
          out.add(d.getName());
        }
        d.free();
      }
      return out;
    } finally {
      libvirt.close();
    }
  }
}
