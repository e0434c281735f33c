package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.Command;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.LogCapture;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Values that carry XML, shell and OVSDB metacharacters, sent through a real host on loopback to
 * the KVM backend (libvirt test driver, real ovsdb-server): they reach libvirt's domain XML and
 * the OVSDB rows only as data. The domain XML is read back from libvirt and parsed; the
 * Interface rows are read back with ovs-vsctl's JSON output. Path traversal in Template and
 * Kernel fails its own action only.
 */
class HostileValuesTest {
  private static final String HOST_TOKEN = "hostile-host-token-3e8d1c9b7a6f";
  private static final WireCodec CODEC = WireCodec.standard();
  /** Each ends an element, opens another, runs a command, and looks like an OVSDB operation. */
  private static final String RESERVATION = "res-'\"<x/>&amp;;$(id)|`uname`{\"op\":\"delete\","
      + "\"table\":\"Bridge\",\"where\":[]}";
  private static final String APP = "web</name><devices><disk/></devices>'\"&;$(reboot)`|\\";
  private static final String CMDLINE = "console=ttyS0 '\"; rm -rf / </cmdline><on_reboot>"
      + "destroy</on_reboot><x/> &amp; $(halt) ]]> <!--";
  private static final String ACTION_ID = "act-<&>\"'$(id)";

  private KvmTestbed bed;
  private SandboxHost host;
  private HostClient client;
  private CallbackServer callbacks;

  @BeforeEach
  void start() throws Exception {
    bed = new KvmTestbed();
    BearerToken token = new BearerToken(HOST_TOKEN);
    host = SandboxHost.start(HostConfig.of(new HostPort("127.0.0.1", 0), token),
        BackendRegistry.empty().register(bed.provider));
    client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT);
    callbacks = CallbackServer.start(new HostPort("127.0.0.1", 0),
        RecordingOrchestratorApi.silent());
  }

  @AfterEach
  void stop() {
    client.close();
    host.shutdown(Duration.ZERO);
    callbacks.close();
    bed.close();
  }

  private ObjectNode context(String reservation) {
    ObjectNode ctx = CODEC.mapper().valueToTree(Contexts.resource(bed.attributes));
    ((ObjectNode) ctx.get("reservation")).put("reservation_id", reservation);
    callbacks.expose(ctx);
    return ctx;
  }

  private JsonNode results(String response) {
    return CODEC.readTree(response, "response").path("driverResponse").path("actionResults");
  }

  @Test
  void metacharactersReachLibvirtAndOvsdbOnlyAsData() throws Exception {
    Map<String, String> attrs = KvmTestbed.kernelAttrs();
    attrs.put("Kernel Cmdline", CMDLINE);
    attrs.put("NIC Count", "1");
    JsonNode vm;
    try (LogCapture logs = new LogCapture()) {
      vm = results(client.call(Command.DEPLOY, context(RESERVATION), Contexts.request(
          KvmTestbed.deployApp(ACTION_ID, APP, KvmTestbed.PATH_KERNEL, attrs)), null)).get(0);
      assertThat(logs.text()).doesNotContain(Contexts.TOKEN).doesNotContain(HOST_TOKEN);
    }
    assertThat(vm.path("success").asBoolean()).as(vm.toString()).isTrue();
    assertThat(vm.path("vmName").asText()).matches("[A-Za-z0-9._-]+");

    // libvirt's own XML: well-formed, one <devices>, no element the values tried to open, and
    // each value back exactly as sent.
    String xml = bed.libvirt().domainLookupByUUIDString(vm.path("vmUuid").asText())
        .getXMLDesc(0);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(
        xml.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getElementsByTagNameNS("*", "x").getLength()).isZero();
    assertThat(doc.getElementsByTagName("devices").getLength()).isEqualTo(1);
    assertThat(doc.getElementsByTagName("on_reboot").getLength()).isLessThanOrEqualTo(1);
    assertThat(doc.getElementsByTagName("cmdline").item(0).getTextContent()).isEqualTo(CMDLINE);
    VmMetadata meta = DomainView.parse(xml).metadata();
    assertThat(meta.sandboxId()).isEqualTo(RESERVATION);
    assertThat(meta.appName()).isEqualTo(APP);
    assertThat(meta.actionId()).isEqualTo(ACTION_ID);

    // OVSDB: the Interface row carries the sandbox id as one external_ids value, unchanged.
    Map<String, Map<String, String>> ifaces = interfaces();
    String port = bed.ports().get(0);
    assertThat(ifaces.get(port)).containsEntry("hangar-sandbox", RESERVATION)
        .containsEntry("vm-id", vm.path("vmUuid").asText());
    assertThat(bed.ovsdb.vsctl("br-exists", "br-int")).isEmpty();

    // A vNIC name that is a command fails its action; the good one beside it is applied.
    Map<String, Object> evil = VlanRequests.withVnic(VlanRequests.setVlan("v-evil", vm, "11",
        "Access"), "1; ovs-vsctl del-br br-int");
    Map<String, Object> good = VlanRequests.withVnic(VlanRequests.setVlan("v-good", vm, "10",
        "Access"), "1");
    JsonNode r = results(client.call(Command.APPLY_CONNECTIVITY_CHANGES, context(RESERVATION),
        Contexts.request(CODEC.write(evil), CODEC.write(good)), null));
    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isFalse();
    assertThat(r.get(0).path("errorMessage").asText()).contains("vNIC");
    assertThat(r.get(1).path("success").asBoolean()).as(r.toString()).isTrue();
    assertThat(bed.portColumn(port, "tag")).isEqualTo("10");
    assertThat(bed.ovsdb.vsctl("br-exists", "br-int")).isEmpty();

    ObjectNode remote = CODEC.mapper().valueToTree(bed.remote(vm));
    callbacks.expose(remote);
    client.call(Command.DELETE_INSTANCE, remote, null, null);
    assertThat(bed.domains()).isEmpty();
    assertThat(bed.ports()).isEmpty();
  }

  @Test
  void pathTraversalInTemplateAndKernelFailsOnlyItsOwnAction() throws Exception {
    List<String> actions = new ArrayList<>();
    actions.add(KvmTestbed.deployApp("ok", "db", KvmTestbed.PATH_KERNEL,
        KvmTestbed.kernelAttrs()));
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("t-up", "../../etc/passwd");
    bad.put("t-abs", "/etc/shadow");
    bad.put("t-sub", "sub/../../tmpl.qcow2");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      actions.add(KvmTestbed.deployApp(e.getKey(), "web", KvmTestbed.PATH_TEMPLATE,
          Map.of("Template", e.getValue(), "Wait for IP", "False")));
    }
    Map<String, String> kernels = new LinkedHashMap<>();
    kernels.put("k-dots", "/boot/../etc/shadow");
    kernels.put("k-rel", "boot/vmlinuz");
    kernels.put("k-nul", "/boot/vmlinuz\u0000/etc/shadow");
    for (Map.Entry<String, String> e : kernels.entrySet()) {
      Map<String, String> a = KvmTestbed.kernelAttrs();
      a.put("Kernel", e.getValue());
      actions.add(KvmTestbed.deployApp(e.getKey(), "db2", KvmTestbed.PATH_KERNEL, a));
    }
    Map<String, String> initrd = KvmTestbed.kernelAttrs();
    initrd.put("Initrd", "/boot/../../root/.ssh/id_rsa");
    actions.add(KvmTestbed.deployApp("i-dots", "db3", KvmTestbed.PATH_KERNEL, initrd));

    JsonNode r = results(client.call(Command.DEPLOY, context("res-1"), Contexts.request(
        actions.toArray(String[]::new)), null));

    assertThat(r).hasSize(actions.size());
    assertThat(r.get(0).path("success").asBoolean()).as(r.toString()).isTrue();
    for (int i = 1; i < r.size(); i++) {
      JsonNode one = r.get(i);
      String id = one.path("actionId").asText();
      assertThat(one.path("success").asBoolean()).as(one.toString()).isFalse();
      assertThat(one.path("errorMessage").asText()).as(id).contains(id.startsWith("t-")
          ? "'Template'" : id.startsWith("k-") ? "'Kernel'" : "'Initrd'");
    }
    assertThat(bed.domains()).hasSize(1);
    assertThat(bed.volumes()).containsExactly("tmpl.qcow2");
    assertThat(bed.ports()).hasSize(2);
  }

  /** Interface name → external_ids, from ovs-vsctl's JSON (so nothing is re-quoted by us). */
  private Map<String, Map<String, String>> interfaces() throws Exception {
    JsonNode table = CODEC.readTree(bed.ovsdb.vsctl("--format=json",
        "--columns=name,external_ids", "list", "interface"), "ovs-vsctl");
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (JsonNode row : table.path("data")) {
      Map<String, String> ids = new LinkedHashMap<>();
      for (JsonNode pair : row.get(1).get(1)) {
        ids.put(pair.get(0).asText(), pair.get(1).asText());
      }
      out.put(row.get(0).asText(), ids);
    }
    return out;
  }
}
