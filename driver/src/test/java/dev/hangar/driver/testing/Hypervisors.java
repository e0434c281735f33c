package dev.hangar.driver.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Several hypervisors on this machine, each a {@link RealLibvirtd} in its own namespaces with a
 * forwarding {@link NamespacedOvs} beside it, started at once (each start is a few seconds,
 * mostly waiting). {@link #close()} stops them all, each Open vSwitch before its libvirtd.
 */
public final class Hypervisors implements AutoCloseable {
  private static final long START_MINUTES = 5;

  /** One hypervisor: its libvirtd, and its Open vSwitch in the daemon's namespace. */
  public record Host(RealLibvirtd libvirtd, NamespacedOvs ovs) {}

  private final List<Host> hosts;

  private Hypervisors(List<Host> hosts) {
    this.hosts = List.copyOf(hosts);
  }

  /**
   * Starts {@code count} hypervisors, each with {@code bridge} (netdev datapath). When one fails
   * to start, the others are stopped again and its failure is thrown.
   */
  public static Hypervisors start(int count, String bridge) throws IOException {
    return start(count, bridge, false);
  }

  /**
   * Like {@link #start(int, String)}; with {@code listenTcp} each libvirtd also listens on TCP
   * inside its namespace (for a {@link LibvirtdTcpLink}).
   */
  public static Hypervisors start(int count, String bridge, boolean listenTcp)
      throws IOException {
    List<CompletableFuture<Host>> starts = new ArrayList<>();
    for (int h = 0; h < count; h++) {
      starts.add(CompletableFuture.supplyAsync(() -> {
        RealLibvirtd libvirtd = null;
        try {
          libvirtd = RealLibvirtd.start(listenTcp);
          return new Host(libvirtd, NamespacedOvs.start(libvirtd, bridge));
        } catch (IOException | RuntimeException e) {
          if (libvirtd != null) {
            libvirtd.close();
          }
          throw new CompletionException(e);
        }
      }));
    }
    List<Host> started = new ArrayList<>();
    Exception failure = null;
    for (CompletableFuture<Host> start : starts) {
      try {
        started.add(start.get(START_MINUTES, TimeUnit.MINUTES));
      } catch (ExecutionException e) {
        failure = failure == null ? e : failure;
      } catch (TimeoutException | InterruptedException e) {
        // (one still starting stops at JVM exit, by RealLibvirtd's shutdown hook)
        failure = failure == null ? e : failure;
      }
    }
    Hypervisors all = new Hypervisors(started);
    if (failure != null) {
      all.close();
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = failure instanceof ExecutionException && failure.getCause() != null
          ? failure.getCause() : failure;
      cause = cause instanceof CompletionException && cause.getCause() != null
          ? cause.getCause() : cause;
      throw new IOException("a hypervisor did not start: " + cause.getMessage(), cause);
    }
    return all;
  }

  public Host get(int h) {
    return hosts.get(h);
  }

  public int size() {
    return hosts.size();
  }

  public List<RealLibvirtd> libvirtds() {
    return hosts.stream().map(Host::libvirtd).toList();
  }

  public List<NamespacedOvs> switches() {
    return hosts.stream().map(Host::ovs).toList();
  }

  @Override
  public void close() {
    for (int h = hosts.size() - 1; h >= 0; h--) {
      hosts.get(h).ovs().close();
      hosts.get(h).libvirtd().close();
    }
  }
}
