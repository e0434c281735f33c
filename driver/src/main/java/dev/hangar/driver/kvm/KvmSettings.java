package dev.hangar.driver.kvm;

import dev.hangar.datamodel.SegmentKind;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.ovsdb.OvsdbEndpoint;
import dev.hangar.driver.ovsdb.SshTarget;
import dev.hangar.driver.spi.CommandScope;
import dev.hangar.driver.spi.ProviderResource;
import dev.hangar.options.AttributeSpec;
import dev.hangar.options.AttributeValues;
import dev.hangar.options.InvalidAttributeException;
import dev.hangar.options.ProviderModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The KVM provider attributes, parsed and checked, as one command sees them. With VLAN Type
 * VXLAN, {@code tunnelEndpoints} holds each hypervisor's tunnel address, in the order of
 * {@code hypervisors}; with VLAN it is empty. {@code areas} groups the hypervisors for recovery
 * (attribute 'Areas').
 */
record KvmSettings(List<HypervisorTarget> hypervisors, String storagePool,
    String managementNetwork, String ovsBridge, Virtualization virtualization,
    SegmentKind segments, List<String> tunnelEndpoints, KvmAreas areas) {
  static final String DEFAULT_OVSDB = "unix:/var/run/openvswitch/db.sock";
  private static final Pattern IPV4 = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  KvmSettings {
    hypervisors = List.copyOf(hypervisors);
    tunnelEndpoints = List.copyOf(tunnelEndpoints);
  }

  /**
   * Reads the provider; SSH secrets are decrypted only when a remote hypervisor needs them.
   * {@code defaultOvsdb} gives a hypervisor's OVSDB remote where 'OVSDB Remote' is empty.
   */
  static KvmSettings from(ProviderResource provider, CommandScope scope,
      java.util.function.UnaryOperator<String> defaultOvsdb) {
    AttributeValues v = provider.values(List.of());
    List<String> uris = split(string(v, ProviderModel.HYPERVISORS));
    if (uris.isEmpty()) {
      uris = List.of(ProviderModel.HYPERVISORS.defaultValue());
    }
    List<String> remotes = split(string(v, ProviderModel.OVSDB_REMOTE));
    if (remotes.isEmpty()) {
      remotes = uris.stream().map(defaultOvsdb).toList();
    }
    if (remotes.size() != 1 && remotes.size() != uris.size()) {
      throw new ClientException("attribute 'OVSDB Remote' has " + remotes.size() + " values for "
          + uris.size() + " Hypervisors; give one value for all hosts or one per hypervisor");
    }
    Supplier<SshCredentials> creds = memoize(() -> new SshCredentials(
        string(v, ProviderModel.SSH_USER),
        scope.decrypt(provider.raw(ProviderModel.SSH_PRIVATE_KEY.name())),
        scope.decrypt(provider.raw(ProviderModel.SSH_PASSWORD.name()))));
    List<HypervisorTarget> targets = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      targets.add(target(uris.get(i), remotes.get(remotes.size() == 1 ? 0 : i), creds));
    }
    String bridge = string(v, ProviderModel.OVS_BRIDGE).strip();
    if (bridge.isEmpty()) {
      throw new ClientException("attribute 'OVS Bridge' is empty; name the Open vSwitch bridge"
          + " of the apps' vNICs (usually br-int)");
    }
    Virtualization virtualization = Virtualization.parse(string(v, ProviderModel.VIRTUALIZATION));
    SegmentKind segments;
    try {
      segments = SegmentKind.ofVlanType(string(v, ProviderModel.VLAN_TYPE));
    } catch (IllegalArgumentException e) {
      throw new ClientException(e.getMessage());
    }
    List<String> endpoints = segments == SegmentKind.VXLAN
        ? tunnelEndpoints(split(string(v, ProviderModel.TUNNEL_ENDPOINTS)), uris.size())
        : List.of();
    KvmAreas areas = KvmAreas.parse(string(v, ProviderModel.AREAS), uris);
    return new KvmSettings(targets, string(v, ProviderModel.STORAGE_POOL).strip(),
        string(v, ProviderModel.MANAGEMENT_NETWORK).strip(), bridge, virtualization, segments,
        endpoints, areas);
  }

  /** The tunnel address of a hypervisor (VXLAN only). */
  String tunnelEndpoint(HypervisorTarget host) {
    return tunnelEndpoints.get(hypervisors.indexOf(host));
  }

  /** One IP address literal per hypervisor, each once: VXLAN peers are told apart by them. */
  private static List<String> tunnelEndpoints(List<String> values, int hosts) {
    if (values.size() != hosts) {
      throw new ClientException("attribute 'Tunnel Endpoints' has " + values.size()
          + " values for " + hosts + " Hypervisors; with VLAN Type VXLAN give each hypervisor's"
          + " tunnel IP address, in the order of Hypervisors");
    }
    for (String ip : values) {
      if (!IPV4.matcher(ip).matches() && !(ip.contains(":") && IPV6.matcher(ip).matches())) {
        throw new ClientException("attribute 'Tunnel Endpoints': '" + ip + "' is not an IP"
            + " address");
      }
    }
    if (new java.util.HashSet<>(values).size() != values.size()) {
      throw new ClientException("attribute 'Tunnel Endpoints' names an address twice; each"
          + " hypervisor needs its own");
    }
    return values;
  }

  private record SshCredentials(String user, String privateKey, String password) {}

  private static HypervisorTarget target(String uri, String remote,
      Supplier<SshCredentials> creds) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new ClientException("attribute 'Hypervisors': '" + uri + "' is not a libvirt URI"
          + " (like qemu:///system or qemu+ssh://root@host/system)");
    }
    if (parsed.getScheme() == null) {
      throw new ClientException("attribute 'Hypervisors': '" + uri + "' has no scheme; use a"
          + " libvirt URI like qemu:///system or qemu+ssh://root@host/system");
    }
    String host = parsed.getHost();
    SshTarget ssh = null;
    if (host != null && !host.isEmpty()) {
      SshCredentials c = creds.get();
      String user = parsed.getUserInfo() != null ? parsed.getUserInfo() : c.user();
      ssh = new SshTarget(host, parsed.getPort() > 0 ? parsed.getPort() : 22, user,
          c.privateKey(), c.password());
    }
    return new HypervisorTarget(uri, endpoint(remote, ssh), ssh);
  }

  /** {@code tcp:HOST:PORT} directly; {@code unix:PATH} on the hypervisor (SSH when remote). */
  static OvsdbEndpoint endpoint(String remote, SshTarget ssh) {
    String r = remote.strip();
    if (r.startsWith("tcp:")) {
      String rest = r.substring(4);
      int colon = rest.lastIndexOf(':');
      if (colon <= 0) {
        throw badRemote(r);
      }
      String host = rest.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(rest.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw badRemote(r);
        }
        return new OvsdbEndpoint.Tcp(host, port);
      } catch (NumberFormatException e) {
        throw badRemote(r);
      }
    }
    if (r.startsWith("unix:") && r.length() > 5 && r.charAt(5) == '/') {
      String path = r.substring(5);
      return ssh == null ? new OvsdbEndpoint.LocalUnix(path) : new OvsdbEndpoint.SshUnix(ssh, path);
    }
    throw badRemote(r);
  }

  private static ClientException badRemote(String r) {
    return new ClientException("attribute 'OVSDB Remote': '" + r + "' is not tcp:HOST:PORT or"
        + " unix:/absolute/path/db.sock");
  }

  private static String string(AttributeValues v, AttributeSpec spec) {
    try {
      return v.string(spec);
    } catch (InvalidAttributeException e) {
      throw new ClientException(e.getMessage());
    }
  }

  private static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
