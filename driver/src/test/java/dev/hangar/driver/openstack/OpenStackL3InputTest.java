package dev.hangar.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.datamodel.app.AppSecurityGroups.Rule;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.driver.ClientException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The L3 inputs checked before anything is made: CIDRs, inbound rules, the NIC order of a
 * Deploy, and the names that mark a sandbox's objects.
 */
class OpenStackL3InputTest {
  @Test
  void cidrsAreStrictAndOverlapBothWays() {
    SandboxCidr net = SandboxCidr.parse("10.0.0.0/24", "x");
    assertThat(net.contains(SandboxCidr.parse("10.0.0.16/28", "x"))).isTrue();
    assertThat(net.contains(SandboxCidr.parse("10.0.1.0/28", "x"))).isFalse();
    assertThat(SandboxCidr.parse("10.0.0.0/16", "x").overlaps(net)).isTrue();
    assertThat(net.overlaps(SandboxCidr.parse("10.0.0.0/16", "x"))).isTrue();
    assertThat(SandboxCidr.parseList("172.31.0.0/16, 192.168.0.0/16", "x")).hasSize(2);
    assertThat(SandboxCidr.parseList("", "x")).isEmpty();
    assertThatThrownBy(() -> SandboxCidr.parse("10.0.0.1/24", "prepareCloudInfra CIDR"))
        .isInstanceOf(ClientException.class).hasMessageContaining("host bits")
        .hasMessageContaining("10.0.0.0/24").hasMessageStartingWith("prepareCloudInfra CIDR");
    assertThatThrownBy(() -> SandboxCidr.parse("10.0.0.0/33", "x"))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> SandboxCidr.parse("256.0.0.0/8", "x"))
        .hasMessageContaining("not an IPv4 CIDR");
    assertThatThrownBy(() -> SandboxCidr.parse("'; drop", "x"))
        .hasMessageContaining("not an IPv4 CIDR");
  }

  @Test
  void rulesAreCheckedAndDefaulted() {
    assertThat(PortFirewall.inbound(new Rule("8080", "8081", "TCP", "10.0.0.0/24")))
        .isEqualTo(new PortFirewall.Inbound("tcp", 8080, 8081, "10.0.0.0/24"));
    assertThat(PortFirewall.inbound(new Rule("53", "", "udp", "")))
        .isEqualTo(new PortFirewall.Inbound("udp", 53, 53, "0.0.0.0/0"));
    assertThat(PortFirewall.inbound(new Rule("22", null, null, null)).protocol())
        .isEqualTo("tcp");
    assertThat(PortFirewall.inbound(new Rule("-1", "-1", "icmp", "10.0.0.0/8")))
        .isEqualTo(new PortFirewall.Inbound("icmp", null, null, "10.0.0.0/8"));
    assertThat(PortFirewall.inbound(new Rule("", "", "all", "")))
        .isEqualTo(new PortFirewall.Inbound(null, null, null, "0.0.0.0/0"));
    assertThatThrownBy(() -> PortFirewall.inbound(new Rule("22", "20", "tcp", "")))
        .isInstanceOf(ClientException.class).hasMessageContaining("reversed");
    assertThatThrownBy(() -> PortFirewall.inbound(new Rule("70000", "", "tcp", "")))
        .hasMessageContaining("1-65535");
    assertThatThrownBy(() -> PortFirewall.inbound(new Rule("22", "", "gre", "")))
        .hasMessageContaining("'gre'");
    assertThatThrownBy(() -> PortFirewall.inbound(new Rule("22", "", "tcp", "10.0.0.1/8")))
        .hasMessageContaining("rule source");
  }

  @Test
  void nicsAreOrderedByVnicName() {
    List<ConnectSubnet> ordered = SubnetPorts.ordered(List.of(nic("c", null), nic("b", "eth"),
        nic("a10", "10"), nic("a2", "2")));
    assertThat(ordered).extracting(ConnectSubnet::actionId)
        .containsExactly("a2", "a10", "b", "c");
  }

  @Test
  void namesCarryTheSandboxInCharactersNeutronAndNovaAccept() {
    String sandbox = "5a1d0c5e-7a0b 4c38/x";
    assertThat(SandboxMarks.network(sandbox)).isEqualTo("hangar-sbx-5a1d0c5e-7a0b-4c38-x-net");
    assertThat(SandboxMarks.subnet(sandbox, SandboxCidr.parse("10.0.0.16/28", "x")))
        .isEqualTo("hangar-sbx-5a1d0c5e-7a0b-4c38-x-subnet-10.0.0.16_28");
    assertThat(SandboxMarks.keyPair(sandbox)).isEqualTo("hangar-5a1d0c5e-7a0b-4c38-x");
    assertThat(SandboxMarks.nic(sandbox, "act", 0)).startsWith(SandboxMarks.prefix(sandbox))
        .startsWith(Marks.PREFIX);
    assertThat(SandboxMarks.prefix("a")).isNotEqualTo(SandboxMarks.prefix("ab"))
        .doesNotStartWith(SandboxMarks.prefix("ab"));
  }

  private static ConnectSubnet nic(String actionId, String vnic) {
    return new ConnectSubnet(actionId, null, new ConnectSubnet.Params("s", "10.0.0.0/28",
        true, vnic, List.of()), List.of());
  }
}
