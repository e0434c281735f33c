package dev.hangar.driver.testing;

import dev.hangar.driver.testing.RealLibvirtd.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The httpd of a bin/guest-image guest ({@code /cgi-bin/status}, {@code /cgi-bin/ping}), asked
 * over the management network from its libvirtd's namespace, with busybox nc (busybox-static's
 * wget crashes here). Reachability is proven guest to guest: the guest pings, so the ICMP
 * traffic runs between guests through Open vSwitch and nothing else.
 *
 * @param host the libvirtd whose management network the guest is on
 * @param mgmtIp the guest's management address (its DHCP lease)
 * @param label how messages name the guest
 */
public record GuestHttp(RealLibvirtd host, String mgmtIp, String label) {
  /** What the guest's ping CGI answered: {@code ok} when replies came (its last line). */
  public record PingResult(boolean ok, String output) {}

  /** GET {@code path}: the body, or null when the guest does not answer 200. */
  public String get(String path) throws IOException {
    ExecResult r = host.exec(Duration.ofSeconds(45), "/bin/sh", "-c",
        "printf 'GET %s HTTP/1.0\\r\\n\\r\\n' \"$1\" | /bin/busybox nc -w 30 \"$2\" 80",
        "http", path, mgmtIp);
    String out = r.stdout().replace("\r\n", "\n");
    int body = out.indexOf("\n\n");
    if (!r.ok() || !out.startsWith("HTTP/1.") || !out.lines().findFirst().orElse("")
        .contains(" 200 ") || body < 0) {
      return null;
    }
    return out.substring(body + 2);
  }

  /**
   * Polls the guest's status until it shows every {@code "IF ADDR/LEN"} wanted, and returns it;
   * fails with the last status after {@code timeout}.
   */
  public String awaitAddresses(Duration timeout, String... addrs) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      String status = get("/cgi-bin/status");
      if (status != null && List.of(addrs).stream().allMatch(
          x -> status.lines().anyMatch(l -> l.equals("addr " + x)))) {
        return status;
      }
      last = status;
      sleep(500);
    }
    throw new AssertionError(label + " (" + mgmtIp + ") did not show " + List.of(addrs)
        + " within " + timeout + "; its status:\n" + last);
  }

  /** Asks the guest to ping {@code dst} {@code count} times, a second apart. */
  public PingResult ping(String dst, int count) throws IOException {
    String out = get("/cgi-bin/ping?" + dst + "&" + count);
    if (out == null) {
      return new PingResult(false, label + "'s httpd did not answer");
    }
    List<String> lines = out.strip().lines().toList();
    return new PingResult(!lines.isEmpty() && lines.get(lines.size() - 1).equals("exit 0"),
        out.strip());
  }

  /** Pings until a reply comes; fails after {@code timeout}. */
  public void awaitReach(String dst, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    PingResult last = null;
    int tries = 0;
    while (System.nanoTime() < deadline) {
      tries++;
      last = ping(dst, 1);
      if (last.ok()) {
        return;
      }
    }
    throw new AssertionError(label + " could not reach " + dst + " within " + timeout + " ("
        + tries + " pings); last:\n" + (last == null ? "none" : last.output()));
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
