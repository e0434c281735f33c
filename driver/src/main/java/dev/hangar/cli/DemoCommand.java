package dev.hangar.cli;

import dev.hangar.driver.embedded.EmbeddedHypervisor;
import dev.hangar.driver.embedded.LibvirtProbe;
import dev.hangar.driver.embedded.EmbeddedDefault;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.host.BearerToken;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostConfig;
import dev.hangar.host.HostPort;
import dev.hangar.host.SandboxHost;
import dev.hangar.replay.HostTransport;
import dev.hangar.replay.Scenario;
import dev.hangar.replay.ScenarioException;
import dev.hangar.replay.ScenarioLoader;
import dev.hangar.replay.ScenarioRunner;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * {@code hangar demo}: the main job on the embedded default. Starts libvirt {@code test:///default}
 * and a private ovsdb-server, starts a sandbox host on a free loopback port with a generated
 * token, replays the whole L2 sample sandbox (setup and teardown) through it as an orchestrator
 * would (serving the callbacks itself), prints the summary, and stops everything it started.
 */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Replays the L2 sample sandbox through a sandbox host on the embedded default"
        + " (libvirt test:///default + a private ovsdb-server). Exit 0 when the environment ran"
        + " and the replay completed; with --strict, only when every step passed.")
final class DemoCommand implements Callable<Integer> {
  static final String HYPERVISOR = EmbeddedHypervisor.URI;
  /** An empty qcow2 volume in the test driver's pool, standing in for a template image. */
  private static final HostPort LOOPBACK_ANY_PORT = new HostPort("127.0.0.1", 0);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--scenario", paramLabel = "FILE",
      description = "The scenario to replay (default: samples/scenarios/l2-sandbox.json under"
          + " the Hangar checkout).")
  Path scenario;

  @CommandLine.Option(names = "--strict",
      description = "Exit 1 unless every step passed.")
  boolean strict;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = scenario != null ? scenario : defaultScenario();
    Scenario s;
    try {
      s = new ScenarioLoader().load(file);
    } catch (ScenarioException e) {
      err.println("hangar demo: " + e.getMessage());
      return Main.USAGE;
    }
    LibvirtProbe.Report libvirt = LibvirtProbe.probe(HYPERVISOR);
    out.printf("libvirt       %s: driver %s, libvirt %s, %d running domains%n", libvirt.uri(),
        libvirt.driverType(), libvirt.libvirtVersion(), libvirt.runningDomains());
    long pid;
    boolean passed;
    try (EmbeddedDefault embedded = EmbeddedDefault.start()) {
      pid = embedded.ovsdbPid();
      out.printf("ovsdb-server  pid %d, %s, bridge %s%n", pid, embedded.ovsdbRemote(),
          EmbeddedDefault.BRIDGE);
      out.flush();
      Map<String, String> vars = Map.of("hypervisors", HYPERVISOR,
          "ovsdbRemote", embedded.ovsdbRemote(), "ovsBridge", EmbeddedDefault.BRIDGE,
          "storagePool", EmbeddedHypervisor.POOL, "template", EmbeddedDefault.TEMPLATE);
      PrintStream sandboxOutput = new PrintWriterStream(err).stream();
      BearerToken token = new BearerToken(generatedToken());
      HostPort address;
      try (BackendRegistry backends = embedded.registry();
          SandboxHost host = SandboxHost.start(HostConfig.of(LOOPBACK_ANY_PORT, token), backends);
          HostClient client = HostClient.connect(host.address(), token, ClientTls.PLAINTEXT)) {
        address = host.address();
        out.printf("sandbox host  %s (in-process, plaintext on loopback, generated token)%n",
            address);
        out.flush();
        List<ScenarioRunner.Report> reports = ReplayCommand.replay(List.of(s), vars,
            sc -> HostTransport.start(client, LOOPBACK_ANY_PORT, sc.passwords(), sandboxOutput,
                null), out);
        passed = reports.stream().allMatch(ScenarioRunner.Report::allPassed);
      }
      out.printf("stopped sandbox host %s%n", address);
    }
    out.printf("stopped ovsdb-server pid %d%n", pid);
    return strict && !passed ? Main.RAISED : Main.OK;
  }

  private static String generatedToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static Path defaultScenario() {
    String home = System.getProperty("hangar.home", ".");
    Path p = Path.of(home, "samples", "scenarios", "l2-sandbox.json");
    return Files.exists(p) ? p : Path.of("samples", "scenarios", "l2-sandbox.json");
  }
}
