package dev.hangar.driver.testing;

import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The IP segment that joins several hypervisors' tunnel endpoints: a Linux bridge in a network
 * namespace of its own (the "switch" of the segment), and in each hypervisor's namespace a veth
 * whose other end is a port of that bridge.
 *
 * <p>With the userspace (netdev) datapath, Open vSwitch builds and ends VXLAN packets itself and
 * sends them through an OVS bridge, not the kernel's IP stack: following OVS's userspace
 * tunnelling guide, the veth is a port of a second OVS bridge ({@value #PHYSICAL_BRIDGE}) and the
 * tunnel endpoint address is on that bridge's internal port. vswitchd learns the route to the
 * segment from its namespace's routing table and the peers' MACs by ARP on that bridge.
 *
 * <p>{@link #close()} deletes the segment's namespace, which takes the bridge and every veth pair
 * with it (the hypervisors' {@value #PHYSICAL_BRIDGE} goes with their Open vSwitch).
 */
public final class VxlanUnderlay implements AutoCloseable {
  /** The OVS bridge of each hypervisor that holds its tunnel endpoint address. */
  public static final String PHYSICAL_BRIDGE = "br-phy";
  /** The veth of each hypervisor on the segment (one per namespace, so a fixed name). */
  public static final String UPLINK = "hgul0";
  /** The segment: tunnel endpoint of hypervisor i (0-based) is {@code PREFIX + (i + 1)}/24. */
  private static final String PREFIX = "172.31.254.";

  private final String netns;
  private final List<String> endpoints;
  private final Thread shutdownHook;

  private VxlanUnderlay(String netns, List<String> endpoints) {
    this.netns = netns;
    this.endpoints = endpoints; // filled by connect()
    this.shutdownHook = new Thread(this::deleteNetns, "VxlanUnderlay-cleanup-" + netns);
  }

  /**
   * Joins the hypervisors, each a libvirtd with its Open vSwitch, on one segment, and checks
   * that each reaches every other's endpoint address.
   */
  public static VxlanUnderlay connect(List<RealLibvirtd> hosts, List<NamespacedOvs> switches)
      throws IOException {
    String netns = "hgul-" + ProcessHandle.current().pid() + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(4);
    run("ip", "netns", "add", netns);
    List<String> endpoints = new ArrayList<>();
    VxlanUnderlay underlay = new VxlanUnderlay(netns, endpoints);
    // (a JVM that exits before close() still deletes the namespace)
    Runtime.getRuntime().addShutdownHook(underlay.shutdownHook);
    try {
      run("ip", "-n", netns, "link", "add", "hgseg", "type", "bridge", "stp_state", "0");
      run("ip", "-n", netns, "link", "set", "hgseg", "up");
      for (int i = 0; i < hosts.size(); i++) {
        RealLibvirtd host = hosts.get(i);
        NamespacedOvs ovs = switches.get(i);
        String hubEnd = "hgseg" + i;
        // Both ends are made directly in their namespaces: no name is ever taken in the
        // machine's own namespace, where other tests run.
        run("ip", "link", "add", UPLINK, "netns", host.netns(), "type", "veth", "peer", "name",
            hubEnd, "netns", netns);
        run("ip", "-n", netns, "link", "set", hubEnd, "master", "hgseg", "up");
        run("ip", "-n", host.netns(), "link", "set", UPLINK, "up");
        ovs.vsctl("add-br", PHYSICAL_BRIDGE, "--", "set", "bridge", PHYSICAL_BRIDGE,
            "datapath_type=netdev", "--", "add-port", PHYSICAL_BRIDGE, UPLINK);
        String ip = PREFIX + (i + 1);
        run("ip", "-n", host.netns(), "addr", "add", ip + "/24", "dev", PHYSICAL_BRIDGE);
        run("ip", "-n", host.netns(), "link", "set", PHYSICAL_BRIDGE, "up");
        endpoints.add(ip);
      }
      for (int i = 0; i < hosts.size(); i++) {
        for (int j = 0; j < hosts.size(); j++) {
          if (i != j) {
            awaitPing(hosts.get(i), endpoints.get(j));
          }
        }
      }
      return underlay;
    } catch (IOException | RuntimeException e) {
      underlay.close();
      throw e;
    }
  }

  /** The tunnel endpoint addresses, in the order of the hypervisors. */
  public List<String> endpoints() {
    return List.copyOf(endpoints);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook deletes it
      return;
    }
    deleteNetns();
  }

  private void deleteNetns() {
    try {
      run("ip", "netns", "delete", netns);
    } catch (IOException e) {
      // best effort: nothing runs in it, and what is left is a bridge without ports
    }
  }

  private static void awaitPing(RealLibvirtd from, String ip) throws IOException {
    ExecResult last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      last = from.exec(Duration.ofSeconds(10), "/bin/busybox", "ping", "-c", "1", "-W", "1", ip);
      if (last.ok()) {
        return;
      }
    }
    throw new IOException("tunnel endpoint " + ip + " is not reachable from netns "
        + from.netns() + ": " + last);
  }

  private static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish within 30 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
            + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }
}
