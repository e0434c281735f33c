package dev.hangar.host;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a client sends its commands, as {@code --target} and the shell's Host Address take it:
 * one {@code HOST:PORT}, a comma-separated list of them ({@code 10.0.0.1:50051,10.0.0.2:50051}),
 * or a DNS name whose A/AAAA records are the hosts ({@code dns:///hangar.example:50051}). Calls
 * are spread over every address with gRPC's round_robin policy ({@link HostClient}).
 *
 * @param text the target as given
 * @param grpcTarget the gRPC channel target: the single address itself, {@code dns:///…}, or a
 *     {@value HostListResolverProvider#SCHEME} URI for a list
 * @param hosts the addresses of a list or a single address (empty for a DNS name)
 */
public record HostTargets(String text, String grpcTarget, List<HostPort> hosts) {
  private static final String DNS = "dns:///";

  public HostTargets {
    hosts = List.copyOf(hosts);
  }

  /** One host. */
  public static HostTargets of(HostPort host) {
    return new HostTargets(host.toString(), host.toString(), List.of(host));
  }

  /**
   * Reads {@code HOST:PORT}, {@code HOST:PORT,HOST:PORT,…} or {@code dns:///NAME:PORT}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static HostTargets parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no target: give HOST:PORT, HOST:PORT,HOST:PORT… or"
          + " dns:///NAME:PORT");
    }
    String t = text.strip();
    if (t.startsWith(DNS)) {
      HostPort named = HostPort.parse(t.substring(DNS.length()));
      if (named.port() == 0) {
        throw new IllegalArgumentException("'" + t + "' needs a port other than 0");
      }
      return new HostTargets(t, DNS + named, List.of());
    }
    if (t.contains("://")) {
      throw new IllegalArgumentException("'" + t + "': the only scheme taken is dns:///");
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String part : t.split(",", -1)) {
      HostPort h = HostPort.parse(part.strip());
      if (h.port() == 0) {
        throw new IllegalArgumentException("'" + part.strip() + "' needs a port other than 0");
      }
      hosts.add(h);
    }
    if (hosts.size() == 1) {
      return of(hosts.get(0));
    }
    return new HostTargets(t, HostListResolverProvider.uri(hosts), hosts);
  }

  /** True when calls may go to more than one address. */
  public boolean several() {
    return hosts.size() != 1;
  }

  /** The addresses of a {@value HostListResolverProvider#SCHEME} target. */
  static List<HostPort> fromListUri(URI uri) {
    String path = uri.getPath();
    if (path == null || path.length() < 2) {
      throw new IllegalArgumentException("no hosts in " + uri);
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String part : path.substring(1).split(",")) {
      hosts.add(HostPort.parse(part));
    }
    return hosts;
  }

  static URI listUri(String joined) {
    try {
      return new URI(HostListResolverProvider.SCHEME, "", "/" + joined, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + joined + "' is not a list of HOST:PORT", e);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
