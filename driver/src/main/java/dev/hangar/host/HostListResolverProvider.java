package dev.hangar.host;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * gRPC's name resolver for a fixed list of hosts ({@code hangar-hosts:///a:1,b:2}): every
 * address of every name on the list, looked up again whenever the channel asks (after a
 * connection fails), so a host that came back elsewhere is found. grpc-java has no resolver for a
 * static list of its own; this one is registered once in the default registry by
 * {@link #register()}, which {@link HostClient} calls before building a channel.
 */
public final class HostListResolverProvider extends NameResolverProvider {
  /** The scheme of a list target. */
  public static final String SCHEME = "hangar-hosts";
  private static boolean registered;

  /** Registers this resolver in gRPC's default registry (once per JVM). */
  public static synchronized void register() {
    if (!registered) {
      NameResolverRegistry.getDefaultRegistry().register(new HostListResolverProvider());
      registered = true;
    }
  }

  /** The target URI of {@code hosts}. */
  static String uri(List<HostPort> hosts) {
    return HostTargets.listUri(hosts.stream().map(HostPort::toString)
        .collect(Collectors.joining(","))).toString();
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  /** Below the DNS resolver's 5, so that a target without a scheme stays DNS's. */
  @Override
  protected int priority() {
    return 4;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
    if (!SCHEME.equals(uri.getScheme())) {
      return null;
    }
    return new ListResolver(HostTargets.fromListUri(uri), args.getOffloadExecutor());
  }

  /** Resolves the list off the channel's thread (a name may need DNS). */
  private static final class ListResolver extends NameResolver {
    private final List<HostPort> hosts;
    private final Executor executor;
    private Listener2 listener;
    private volatile boolean shutdown;

    ListResolver(List<HostPort> hosts, Executor executor) {
      this.hosts = hosts;
      this.executor = executor != null ? executor : Runnable::run;
    }

    @Override
    public String getServiceAuthority() {
      // TLS checks every host's certificate against this name: the first host's.
      return hosts.get(0).toString();
    }

    @Override
    public void start(Listener2 listener) {
      this.listener = listener;
      resolve();
    }

    @Override
    public void refresh() {
      resolve();
    }

    private void resolve() {
      executor.execute(() -> {
        if (shutdown) {
          return;
        }
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (HostPort h : hosts) {
          try {
            for (InetAddress a : InetAddress.getAllByName(h.host())) {
              groups.add(new EquivalentAddressGroup(new InetSocketAddress(a, h.port())));
            }
          } catch (UnknownHostException e) {
            unknown.add(h.host());
          }
        }
        if (groups.isEmpty()) {
          listener.onError(Status.UNAVAILABLE.withDescription("no address for " + unknown));
        } else {
          listener.onResult(ResolutionResult.newBuilder().setAddressesOrError(
              io.grpc.StatusOr.fromValue(groups)).build());
        }
      });
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }
  }
}
