package dev.hangar.driver.kvm;

import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.BridgeState;
import dev.hangar.driver.ovsdb.OvsPort;
import dev.hangar.driver.ovsdb.PortChanges;
import dev.hangar.driver.ovsdb.PortVlan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * VXLAN on Open vSwitch, worked out from what the hypervisors' databases hold (no state in
 * memory). On each host's bridge:
 * <ul>
 *   <li>a VNI maps to a host-local VLAN, recorded in the bridge's {@code external_ids} as
 *       {@code hangar-vni-<VNI>=<VLAN>}; the vNICs on that VNI are access ports of that VLAN;</li>
 *   <li>a host holds a VNI while some vNIC port carries its VLAN;</li>
 *   <li>for each VNI it holds, a host has one tunnel port per other host that holds it
 *       ({@code type=vxlan}, {@code options:key=VNI}, {@code options:remote_ip=peer}), an access
 *       port of the VNI's host VLAN, {@code protected}: a frame from one tunnel is never flooded
 *       into another, so the full mesh never loops or multiplies a broadcast.</li>
 * </ul>
 * A VNI's last vNIC leaving a host removes its mapping there, that host's tunnels for it, and
 * (because the host no longer holds it) the peers' tunnels to that host.
 */
final class VxlanMesh {
  /** Bridge external_ids key prefix of a VNI's host VLAN. */
  static final String VNI_KEY = "hangar-vni-";
  /** Interface external_ids of a tunnel port: its VNI and its peer's address. */
  static final String TUNNEL_VNI = "hangar-vni";
  static final String TUNNEL_PEER = "hangar-peer";

  private VxlanMesh() {}

  /** One hypervisor's bridge: its tunnel address and what a read found (null: unreachable). */
  record Node(String uri, String endpoint, BridgeState state) {}

  /** A tunnel port's identity: the VNI and the peer address. */
  private record Tunnel(int vni, String peer) {}

  /** The VNI → host VLAN map a bridge records. */
  static Map<Integer, Integer> vniVlans(BridgeState s) {
    Map<Integer, Integer> out = new TreeMap<>();
    s.externalIds().forEach((k, v) -> {
      if (k.startsWith(VNI_KEY)) {
        try {
          out.put(Integer.parseInt(k.substring(VNI_KEY.length())), Integer.parseInt(v));
        } catch (NumberFormatException e) {
          // Not one of ours after all: ignored, and never removed.
        }
      }
    });
    return out;
  }

  /**
   * Host VLANs for the VNIs not mapped yet: the lowest VLANs (1–4094) that no port of the
   * bridge carries and no VNI maps to.
   *
   * @throws ClientException when the bridge has no free VLAN left
   */
  static Map<Integer, Integer> allocate(BridgeState s, Set<Integer> vnis, String uri) {
    Map<Integer, Integer> mapped = vniVlans(s);
    Set<Integer> used = new HashSet<>(mapped.values());
    for (OvsPort p : s.ports().values()) {
      if (p.vlan().tag() != null) {
        used.add(p.vlan().tag());
      }
      used.addAll(p.vlan().trunks());
    }
    Map<Integer, Integer> out = new TreeMap<>();
    int next = 1;
    for (int vni : new TreeSet<>(vnis)) {
      if (mapped.containsKey(vni)) {
        continue;
      }
      while (next <= 4094 && used.contains(next)) {
        next++;
      }
      if (next > 4094) {
        throw new ClientException("no free VLAN left on the bridge of " + uri + " to carry VNI "
            + vni + "; every VLAN 1-4094 is in use there");
      }
      out.put(vni, next);
      used.add(next);
    }
    return out;
  }

  /**
   * The VNIs a bridge holds once {@code planned} (port name → VLAN) is written: those whose
   * host VLAN some vNIC port (not a tunnel) carries.
   */
  static Set<Integer> members(BridgeState s, Map<Integer, Integer> mapping,
      Map<String, PortVlan> planned) {
    Set<Integer> tags = new HashSet<>();
    for (OvsPort p : s.ports().values()) {
      if (!isTunnel(p) && !planned.containsKey(p.name()) && p.vlan().tag() != null
          && p.vlan().vlanMode() == null) {
        tags.add(p.vlan().tag());
      }
    }
    planned.forEach((name, v) -> {
      if (v.tag() != null && v.vlanMode() == null) {
        tags.add(v.tag());
      }
    });
    Set<Integer> out = new TreeSet<>();
    mapping.forEach((vni, tag) -> {
      if (tags.contains(tag)) {
        out.add(vni);
      }
    });
    return out;
  }

  /**
   * What {@code self}'s bridge needs so that it matches the mesh: its VNI map (new entries for
   * the VNIs it now holds, none for those it left) and its tunnels (one per VNI it holds and
   * peer holding it). Tunnels to an unreachable peer are left as they are (nothing is known).
   *
   * @param mapping the VNI → VLAN map of self, with this request's new entries
   * @param members the VNIs each reachable node holds once this request is written, by uri
   */
  static PortChanges changes(Node self, Map<Integer, Integer> mapping,
      Map<String, Set<Integer>> members, List<Node> nodes) {
    Set<Integer> mine = members.get(self.uri());
    Map<String, String> set = new TreeMap<>();
    List<String> unset = new ArrayList<>();
    Map<Integer, Integer> recorded = vniVlans(self.state());
    mapping.forEach((vni, tag) -> {
      if (mine.contains(vni) && !tag.equals(recorded.get(vni))) {
        set.put(VNI_KEY + vni, String.valueOf(tag));
      }
    });
    recorded.keySet().stream().filter(v -> !mine.contains(v)).forEach(v -> unset.add(VNI_KEY + v));

    Map<Tunnel, OvsPort> want = want(self, mapping, members, nodes);
    Set<String> unknownPeers = new HashSet<>();
    for (Node peer : nodes) {
      if (peer.state() == null) {
        unknownPeers.add(peer.endpoint());
      }
    }
    Map<Tunnel, String> have = new HashMap<>();
    for (OvsPort p : self.state().ports().values()) {
      if (isTunnel(p)) {
        try {
          have.put(new Tunnel(Integer.parseInt(p.externalIds().get(TUNNEL_VNI)),
              p.externalIds().get(TUNNEL_PEER)), p.name());
        } catch (NumberFormatException e) {
          // A tunnel row we did not write that way: left alone.
        }
      }
    }
    List<OvsPort> inserts = new ArrayList<>();
    want.forEach((t, port) -> {
      if (!have.containsKey(t)) {
        inserts.add(port);
      }
    });
    List<String> deletes = new ArrayList<>();
    have.forEach((t, name) -> {
      if (!want.containsKey(t) && !(unknownPeers.contains(t.peer()) && mine.contains(t.vni()))) {
        deletes.add(name);
      }
    });
    return new PortChanges(inserts, Map.of(), deletes, set, unset,
        self.state().externalIds());
  }

  /**
   * The tunnel ports {@code self}'s bridge must have once the request is written (those
   * {@link #changes} inserts, and those already there that it keeps).
   */
  static List<OvsPort> tunnels(Node self, Map<Integer, Integer> mapping,
      Map<String, Set<Integer>> members, List<Node> nodes) {
    return List.copyOf(want(self, mapping, members, nodes).values());
  }

  /** One tunnel per VNI self holds and reachable peer holding it too. */
  private static Map<Tunnel, OvsPort> want(Node self, Map<Integer, Integer> mapping,
      Map<String, Set<Integer>> members, List<Node> nodes) {
    Map<Tunnel, OvsPort> want = new LinkedHashMap<>();
    for (Node peer : nodes) {
      if (peer.uri().equals(self.uri()) || peer.state() == null) {
        continue;
      }
      for (int vni : members.get(self.uri())) {
        if (members.get(peer.uri()).contains(vni)) {
          want.put(new Tunnel(vni, peer.endpoint()),
              tunnel(vni, mapping.get(vni), self.endpoint(), peer.endpoint()));
        }
      }
    }
    return want;
  }

  /** True for a tunnel port Hangar wrote. */
  static boolean isTunnel(OvsPort p) {
    return p.externalIds().containsKey(TUNNEL_PEER);
  }

  /** A tunnel port: VXLAN with the VNI as key, to one peer, on the VNI's host VLAN. */
  static OvsPort tunnel(int vni, int tag, String local, String peer) {
    return new OvsPort(tunnelName(vni, peer), PortVlan.access(tag),
        Map.of(TUNNEL_VNI, String.valueOf(vni), TUNNEL_PEER, peer), "vxlan",
        Map.of("key", String.valueOf(vni), "remote_ip", peer, "local_ip", local));
  }

  /** {@code vx}, the VNI in 6 hex digits, a 7-hex-digit hash of the peer: 15 characters. */
  static String tunnelName(int vni, String peer) {
    CRC32 crc = new CRC32();
    crc.update(peer.getBytes(StandardCharsets.UTF_8));
    return String.format("vx%06x%07x", vni, crc.getValue() & 0xfffffffL);
  }
}
