package dev.hangar.driver.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsdbConnector;
import dev.hangar.driver.ovsdb.OvsdbConnectors;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.OvsdbSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three libvirt test-driver hosts, each with its own real ovsdb-server, as one provider with
 * VLAN Type VXLAN: the first host is {@link #bed}'s, the other two are node files beside it with
 * ovsdb-servers of their own. The provider attributes of {@link #bed} name all three (in the
 * order of {@link #uris}, {@link #ovsdbs} and {@link #IPS}); {@link #deployOn} places an app on
 * one of them.
 */
final class ThreeVxlanHosts implements AutoCloseable {
  static final String P = "Hangar Cloud Provider.";
  /** The tunnel endpoint of each host, in host order. */
  static final List<String> IPS = List.of("192.0.2.1", "192.0.2.2", "192.0.2.3");

  final KvmTestbed bed;
  final List<String> uris = new ArrayList<>();
  final List<PrivateOvsdbServer> ovsdbs = new ArrayList<>();
  private final OvsdbConnector reader = OvsdbConnectors.standard();

  /** Around {@code bed} (which it closes), adding the second and third hosts. */
  ThreeVxlanHosts(KvmTestbed bed) throws Exception {
    this.bed = bed;
    uris.add(bed.uri);
    ovsdbs.add(bed.ovsdb);
    try {
      for (int n = 2; n <= 3; n++) {
        Path node = bed.dir.resolve("node" + n + ".xml");
        Files.writeString(node, KvmTestbed.nodeXml());
        uris.add("test://" + node);
        ovsdbs.add(PrivateOvsdbServer.start("br-int"));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
    bed.attributes.put(P + "Hypervisors", String.join(",", uris));
    bed.attributes.put(P + "OVSDB Remote", String.join(",",
        ovsdbs.stream().map(PrivateOvsdbServer::tcpRemote).toList()));
    bed.attributes.put(P + "VLAN Type", "VXLAN");
    bed.attributes.put(P + "Tunnel Endpoints", String.join(",", IPS));
  }

  /**
   * Deploys an app on host {@code h} (0-based), by a provider that names only that host, and
   * checks that it succeeded there.
   */
  JsonNode deployOn(int h, String app) {
    Map<String, String> all = new LinkedHashMap<>(bed.attributes);
    bed.attributes.put(P + "Hypervisors", uris.get(h));
    bed.attributes.put(P + "OVSDB Remote", ovsdbs.get(h).tcpRemote());
    bed.attributes.put(P + "Tunnel Endpoints", IPS.get(h));
    try {
      JsonNode r = bed.deploy("act-" + app, app, KvmTestbed.PATH_KERNEL,
          KvmTestbed.kernelAttrs());
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      assertThat(r.path("deployedAppAdditionalData").path("hypervisor").asText())
          .isEqualTo(uris.get(h));
      return r;
    } finally {
      bed.attributes.putAll(all);
    }
  }

  /** The bridge of host {@code h} as OVSDB has it (through the client the driver uses). */
  BridgeState bridge(int h) {
    try (OvsdbSession s = reader.open(
        new OvsdbEndpoint.Tcp("127.0.0.1", ovsdbs.get(h).tcpPort()), Duration.ofSeconds(5))) {
      return s.bridge("br-int");
    }
  }

  /** A column of a row on host {@code h}, as {@code ovs-vsctl get} prints it. */
  String vsctl(int h, String table, String row, String column) throws Exception {
    return ovsdbs.get(h).vsctl("get", table, row, column).strip();
  }

  /** The index of the host a plan operation's {@code where} names; -1 for none of them. */
  int host(String where) {
    return uris.indexOf(where);
  }

  @Override
  public void close() {
    reader.close();
    // The first is the bed's, closed with it.
    for (int i = 1; i < ovsdbs.size(); i++) {
      ovsdbs.get(i).close();
    }
    bed.close();
  }
}
