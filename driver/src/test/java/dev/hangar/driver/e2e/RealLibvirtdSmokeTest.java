package dev.hangar.driver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.hangar.driver.testing.GuestImage;
import dev.hangar.driver.testing.RealLibvirtd;
import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import dev.hangar.testing.Daemons;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInterface;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * End to end against a real libvirtd (qemu, TCG): a direct-kernel-boot guest with a NIC on the
 * management network and an unmanaged tap (the kind Open vSwitch picks up) boots, gets a DHCP
 * lease that libvirt reports, and answers ping from inside the daemon's namespace.
 */
class RealLibvirtdSmokeTest {
  private static final Duration LEASE_WAIT = Duration.ofSeconds(40);
  private static final String TAP = "hgsmoke1";

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void guestWithManagementNicAndUnmanagedTapGetsALeaseAndAnswersPing() throws Exception {
    Daemons.need(RealLibvirtd.available(), RealLibvirtd::unavailableReason);
    long t0 = System.nanoTime();
    GuestImage image = GuestImage.build();
    long imageMs = msSince(t0);
    long closeAt;
    try (RealLibvirtd libvirtd = RealLibvirtd.start()) {
      long startedMs = msSince(t0);
      Connect conn = libvirtd.connection();
      assertThat(conn.listNetworks()).containsExactly(libvirtd.managementNetwork());
      assertThat(conn.listStoragePools()).containsExactly(libvirtd.storagePool());
      assertThat(conn.listDefinedNetworks()).isEmpty(); // no `default` network

      Path console = libvirtd.dir().resolve("smoke-console.log");
      String xml = image.domainXml("hangar-smoke", """
          <interface type='network'>
            <source network='%s'/>
            <model type='virtio'/>
          </interface>
          <interface type='ethernet'>
            <target dev='%s'/>
            <model type='virtio'/>
          </interface>
          """.formatted(libvirtd.managementNetwork(), TAP), console);
      long defineAt = System.nanoTime();
      Domain domain = conn.domainDefineXML(xml);
      long defineMs = msSince(defineAt);
      try {
        long created = System.nanoTime();
        domain.create();
        long createMs = msSince(created);
        assertThat(domain.isActive()).isEqualTo(1);

        // qemu runs with the tap, which libvirt made inside the namespace and attached nowhere.
        Document live = parse(domain.getXMLDesc(0));
        assertThat(targetDevs(live)).contains(TAP);
        ExecResult link = libvirtd.exec("ip", "-o", "link", "show", "dev", TAP);
        assertThat(link.exitCode()).as("tap %s in netns %s: %s", TAP, libvirtd.netns(), link)
            .isZero();
        assertThat(link.stdout()).doesNotContain(" master ");
        assertThat(libvirtd.exec("cat", "/sys/class/net/" + TAP + "/tun_flags").ok())
            .as("%s is a tun/tap device", TAP).isTrue();
        assertThat(Files.exists(Path.of("/sys/class/net", TAP)))
            .as("tap visible in the host namespace").isFalse();
        assertThat(tapsHeldByQemu(libvirtd)).as("taps whose fd qemu holds").contains(TAP);

        String mac = managementMac(live, libvirtd.managementNetwork());
        String ip = awaitLease(domain, mac, libvirtd, console);
        long leaseMs = msSince(created);
        assertThat(ip).startsWith(libvirtd.managementGateway()
            .substring(0, libvirtd.managementGateway().lastIndexOf('.') + 1));

        ExecResult ping = null;
        for (int i = 0; i < 5 && (ping == null || !ping.ok()); i++) {
          ping = libvirtd.exec(Duration.ofSeconds(10), "/bin/busybox", "ping", "-c", "1",
              "-W", "2", ip);
        }
        assertThat(ping.ok()).as("ping %s from netns %s: %s\nconsole:\n%s", ip,
            libvirtd.netns(), ping, tail(console)).isTrue();
        long pingMs = msSince(created);

        long destroyAt = System.nanoTime();
        domain.destroy();
        long destroyMs = msSince(destroyAt);
        System.out.printf("RealLibvirtdSmokeTest: guest image %d ms, libvirtd up with network"
                + " and pool %d ms; define %d ms, create() %d ms, create()->lease %s %d ms,"
                + " ->ping ok %d ms; destroy %d ms%n", imageMs, startedMs - imageMs, defineMs,
            createMs, ip, leaseMs, pingMs, destroyMs);
        assertThat(libvirtd.exec("ip", "link", "show", "dev", TAP).ok())
            .as("tap removed with the domain").isFalse();
      } finally {
        if (domain.isActive() == 1) {
          domain.destroy();
        }
        domain.undefine();
        domain.free();
      }
      assertThat(conn.numOfDomains()).isZero();
      assertThat(conn.numOfDefinedDomains()).isZero();
      closeAt = System.nanoTime();
    }
    System.out.printf("RealLibvirtdSmokeTest: close %d ms, whole test %d ms%n", msSince(closeAt),
        msSince(t0));
  }

  /** Polls libvirt's DHCP lease source for the management NIC's IPv4 address. */
  private static String awaitLease(Domain domain, String mac, RealLibvirtd libvirtd,
      Path console) throws Exception {
    long deadline = System.nanoTime() + LEASE_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Collection<DomainInterface> ifaces = domain.interfaceAddresses(
          Domain.InterfaceAddressesSource.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, 0);
      for (DomainInterface i : ifaces) {
        if (mac.equalsIgnoreCase(i.hwAddr)) {
          for (DomainInterface.InterfaceAddress a : i.addrs) {
            if (a.address instanceof Inet4Address) {
              return a.address.getHostAddress();
            }
          }
        }
      }
      Thread.sleep(200);
    }
    return fail("no DHCP lease for %s within %s\nguest console:\n%s\nlibvirtd.log:\n%s", mac,
        LEASE_WAIT, tail(console), libvirtd.libvirtdLog(20));
  }

  /** The tun/tap interfaces qemu holds open ({@code iff:} in its fds' fdinfo). */
  private static List<String> tapsHeldByQemu(RealLibvirtd libvirtd) throws Exception {
    long pid = Long.parseLong(Files.readString(
        libvirtd.dir().resolve("run/qemu/hangar-smoke.pid")).strip());
    List<String> taps = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fdinfo"))) {
      for (Path fd : fds.toList()) {
        try {
          for (String line : Files.readAllLines(fd)) {
            if (line.startsWith("iff:")) {
              taps.add(line.substring(4).strip());
            }
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return taps;
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> targetDevs(Document d) {
    List<String> out = new ArrayList<>();
    NodeList ifaces = d.getElementsByTagName("interface");
    for (int i = 0; i < ifaces.getLength(); i++) {
      NodeList targets = ((Element) ifaces.item(i)).getElementsByTagName("target");
      if (targets.getLength() > 0) {
        out.add(((Element) targets.item(0)).getAttribute("dev"));
      }
    }
    return out;
  }

  private static String managementMac(Document d, String network) {
    NodeList ifaces = d.getElementsByTagName("interface");
    for (int i = 0; i < ifaces.getLength(); i++) {
      Element iface = (Element) ifaces.item(i);
      NodeList sources = iface.getElementsByTagName("source");
      if (sources.getLength() > 0
          && network.equals(((Element) sources.item(0)).getAttribute("network"))) {
        return ((Element) iface.getElementsByTagName("mac").item(0)).getAttribute("address");
      }
    }
    return fail("no interface on network %s", network);
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (Exception e) {
      return "(no " + file + ")";
    }
  }

  private static long msSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
