package dev.hangar.bench;

import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.driver.embedded.PrivateOvsdbServer;
import dev.hangar.driver.ovsdb.PortVlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh hypervisor for {@link KvmDeployBenchmark}: a libvirt test-driver node file and a
 * private ovsdb-server with bridge {@value KvmDeployBenchmark#KvmDeployBenchmark.BRIDGE}.
 */
final class DeployHost implements AutoCloseable {
  private static final AtomicInteger COUNT = new AtomicInteger();
  /** Hosts not closed yet: a fork that dies mid-iteration still stops its ovsdb-servers. */
  private static final Set<DeployHost> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(DeployHost::close),
        "bench-hosts-cleanup"));
  }

  final String label;
  final Path dir;
  final String uri;
  final PrivateOvsdbServer ovsdb;

  DeployHost(String method) throws IOException {
    label = method + "-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
    dir = Files.createTempDirectory("hangar-bench-" + label + "-");
    Path node = dir.resolve("node.xml");
    Files.writeString(node, nodeXml());
    uri = "test://" + node;
    PrivateOvsdbServer server;
    try {
      server = PrivateOvsdbServer.start(KvmDeployBenchmark.BRIDGE);
    } catch (IOException | RuntimeException e) {
      deleteDir();
      throw e;
    }
    ovsdb = server;
    OPEN.add(this);
  }

  /** 256 GiB and 64 CPUs: room for 200 VMs of 256 MiB; a pool for get_inventory. */
  static String nodeXml() {
    return """
        <node>
          <cpu><nodes>1</nodes><sockets>4</sockets><cores>16</cores><threads>1</threads>
            <active>64</active><mhz>2000</mhz><model>x86_64</model></cpu>
          <memory>268435456</memory>
          <pool type='dir'>
            <name>hangar-pool</name>
            <target><path>/hangar-pool</path></target>
          </pool>
        </node>
        """;
  }

  /** Exactly {@code expected} ports on the bridge, each parked and tagged with the sandbox. */
  void verifyPorts(String who, Set<String> expected, String sandbox) throws IOException {
    Set<String> onBridge = new TreeSet<>(ovsdb.vsctlNames("list-ports", KvmDeployBenchmark.BRIDGE));
    Set<String> parked = new TreeSet<>(ovsdb.vsctlNames("--bare", "--columns=name", "find",
        "Port", "tag=" + PortVlan.PARKED_TAG));
    Set<String> tagged = new TreeSet<>(ovsdb.vsctlNames("--bare", "--columns=name", "find",
        "Interface", "external_ids:hangar-sandbox=" + sandbox));
    if (!onBridge.equals(expected) || !parked.equals(expected) || !tagged.equals(expected)) {
      throw new IllegalStateException(who + ": expected " + expected.size() + " parked ports on "
          + KvmDeployBenchmark.BRIDGE + ", found " + onBridge.size() + " on the bridge, "
          + parked.size() + " on VLAN " + PortVlan.PARKED_TAG + ", " + tagged.size()
          + " of sandbox " + sandbox);
    }
  }

  @Override
  public void close() {
    OPEN.remove(this);
    ovsdb.close();
    deleteDir();
  }

  private void deleteDir() {
    LocalProcesses.deleteTree(dir);
  }
}
