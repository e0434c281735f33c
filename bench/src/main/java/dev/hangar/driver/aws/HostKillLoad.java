package dev.hangar.driver.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.bench.SandboxRequests;
import dev.hangar.driver.Command;
import dev.hangar.driver.embedded.LocalProcesses;
import dev.hangar.host.CallAttempts;
import dev.hangar.host.CallbackServer;
import dev.hangar.host.ClientTls;
import dev.hangar.host.HostClient;
import dev.hangar.host.HostPort;
import dev.hangar.host.HostTargets;
import dev.hangar.host.ServeChild;
import dev.hangar.testing.ProgressHookApi;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * Whole AWS sandboxes through several {@code hangar serve} processes at once, the client
 * balancing over them ({@link HostClient} with a list of hosts: round_robin, idempotent calls
 * retried on UNAVAILABLE), while one host after another is killed with SIGKILL and restarted on
 * its port every {@code killEvery}.
 *
 * <p>The hosts share one cloud: moto's EC2 server, one process all hosts reach over HTTP (the
 * libvirt test driver lives inside each host process and cannot be shared, and a real libvirtd
 * would make real guests, hundreds of them). Per sandbox, as an orchestrator runs it:
 * PrepareSandboxInfra; every app's Deploy at once (each connected to the public subnet); per
 * app PowerOn, remote_refresh_ip and GetVmDetails; per app PowerOff and DeleteInstance;
 * CleanupSandboxInfra. Every call is one that {@code HostRetries} retries.
 *
 * <p>Afterwards: every command succeeded (whatever its attempts met); each Deploy's actionId has
 * exactly one instance in EC2, terminated states included (a retried Deploy found the VM of the
 * killed attempt instead of making a second); and EC2 holds nothing the run made ({@link
 * MotoState}). The report counts the attempts that failed UNAVAILABLE and the calls they belonged
 * to. {@code bench/load --hosts 3} runs it beside one host without kills.
 */
public final class HostKillLoad implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("^serving on 127\\.0\\.0\\.1:(\\d+) ");
  private static final Duration CALL = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = AwsTestbed.CODEC.mapper();

  /** The shape of a run: {@code hosts} processes, one killed every {@code killEvery} (or none). */
  public record Config(int sandboxes, int apps, int parallel, int hosts, Duration killEvery) {
    public Config {
      if (sandboxes < 1 || apps < 1 || parallel < 1 || hosts < 1 || sandboxes > 9000) {
        throw new IllegalArgumentException("sandboxes 1..9000; apps, parallel, hosts >= 1");
      }
    }

    boolean kills() {
      return killEvery != null && hosts > 1;
    }
  }

  private final AwsTestbed bed;
  private final Ec2Client ec2;
  private final CallbackServer callbacks;
  private final Path dir;
  private final List<Process> hosts = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final List<CallAttempts.Call> calls = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private HostClient client;
  private volatile boolean killing;
  private volatile int kills;
  private final AtomicInteger claimWaits = new AtomicInteger();
  private final AtomicInteger takeovers = new AtomicInteger();

  /** Starts moto (the run's shared one, emptied) and the callback server. */
  public HostKillLoad() throws IOException {
    this(message -> { });
  }

  /**
   * As {@link #HostKillLoad()}, with {@code onProgress} seeing each progress line a host
   * reports on its command's thread (a test holds Deploys there to kill a host under them).
   */
  public HostKillLoad(Consumer<String> onProgress) throws IOException {
    bed = AwsTestbed.onMoto(AwsTimeouts.DEFAULT);
    ec2 = MotoState.client(bed.endpoint());
    callbacks = CallbackServer.start(new HostPort("127.0.0.1", 0),
        new ProgressHookApi(bed.api, message -> {
          countClaims(message);
          onProgress.accept(message);
        }));
    dir = Files.createTempDirectory("hangar-hostkill-");
  }

  /** Runs the load on {@code config.hosts()} fresh host processes; stops them after. */
  public HostKillReport run(Config config) throws Exception {
    bed.moto.reset();
    calls.clear();
    failures.clear();
    kills = 0;
    claimWaits.set(0);
    takeovers.set(0);
    MotoState before = MotoState.read(ec2);
    for (int i = 0; i < config.hosts(); i++) {
      hosts.add(null);
      ports.add(0);
      startHost(i);
    }
    List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    HostTargets targets = HostTargets.parse(String.join(",", addresses));
    client = new HostClient(HostClient.channel(targets, ClientTls.PLAINTEXT)
        .intercept(new CallAttempts(calls::add)).build(), ServeChild.token());
    Thread killer = null;
    long start = System.nanoTime();
    try {
      if (config.kills()) {
        killing = true;
        killer = new Thread(() -> killEvery(config.killEvery()), "host-killer");
        killer.setDaemon(true);
        killer.start();
      }
      ExecutorService sandboxes = Executors.newFixedThreadPool(config.parallel());
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int s = 0; s < config.sandboxes(); s++) {
          String reservation = String.format("hk-%04d", s);
          all.add(sandboxes.submit(() -> {
            sandbox(reservation, config.apps());
            return null;
          }));
        }
        for (Future<?> f : all) {
          try {
            f.get();
          } catch (ExecutionException e) {
            failures.add("sandbox: " + e.getCause());
          }
        }
      } finally {
        sandboxes.shutdownNow();
      }
    } finally {
      killing = false;
      if (killer != null) {
        killer.interrupt();
        killer.join(60_000);
      }
    }
    long wall = System.nanoTime() - start;
    client.close();
    stopHosts();
    return new HostKillReport(config, wall, List.copyOf(calls), List.copyOf(failures), kills,
        claimWaits.get(), takeovers.get(), instancesPerAction(), config.sandboxes() * config.apps(),
        MotoState.read(ec2).addedSince(before));
  }

  // ---------------------------------------------------------------------------------------
  // One sandbox, as the orchestrator's setup and teardown run it.

  private void sandbox(String reservation, int apps) throws Exception {
    JsonNode prepared = results("PrepareSandboxInfra", call(Command.PREPARE_SANDBOX_INFRA,
        resource(reservation), AwsTestbed.prepareRequest()));
    if (prepared == null) {
      return;
    }
    String pub = AwsTestbed.result(prepared, "pub").path("subnetId").asText();
    List<Callable<JsonNode>> deploys = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      String action = reservation + "-app" + a;
      String app = "app" + a;
      deploys.add(() -> {
        JsonNode r = results("Deploy", call(Command.DEPLOY, resource(reservation),
            AwsTestbed.request(AwsTestbed.connectSubnet(action + "-nic", pub, "0"),
                AwsTestbed.deployApp(action, app, Map.of("AWS AMI Id", BareEc2Loop.AMI)))));
        return r == null ? null : AwsTestbed.result(r, action);
      });
    }
    List<JsonNode> deployed = inParallel(deploys).stream().filter(d -> d != null).toList();
    List<Callable<Void>> perApp = new ArrayList<>();
    for (JsonNode d : deployed) {
      perApp.add(() -> {
        ObjectNode remote = remote(reservation, d);
        call(Command.POWER_ON, remote, null);
        call(Command.REMOTE_REFRESH_IP, remote, null);
        String shown = call(Command.GET_VM_DETAILS, resource(reservation), details(d));
        if (shown != null && !JSON.readTree(shown).path(0).path("errorMessage").asText()
            .isEmpty()) {
          failures.add("GetVmDetails: " + shown);
        }
        return null;
      });
    }
    inParallel(perApp);
    List<Callable<Void>> teardown = new ArrayList<>();
    for (JsonNode d : deployed) {
      teardown.add(() -> {
        ObjectNode remote = remote(reservation, d);
        call(Command.POWER_OFF, remote, null);
        call(Command.DELETE_INSTANCE, remote, null);
        return null;
      });
    }
    inParallel(teardown);
    results("CleanupSandboxInfra", call(Command.CLEANUP_SANDBOX_INFRA, resource(reservation),
        AwsTestbed.cleanupRequest()));
  }

  private <T> List<T> inParallel(List<Callable<T>> tasks) throws InterruptedException {
    List<T> out = new ArrayList<>();
    for (Future<T> f : threads.invokeAll(tasks)) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        failures.add("orchestrator: " + e.getCause());
      }
    }
    return out;
  }

  /** One call; null (and a recorded failure) when it ended with an error status. */
  private String call(Command command, JsonNode context, String request) {
    try {
      return client.call(command, context, request, CALL);
    } catch (StatusRuntimeException e) {
      failures.add(command.standardName() + ": " + e.getStatus());
      return null;
    }
  }

  /** The action results when every one succeeded, else null (failures recorded). */
  private JsonNode results(String label, String response) {
    if (response == null) {
      return null;
    }
    JsonNode results = AwsTestbed.results(response);
    boolean ok = true;
    for (JsonNode r : results) {
      if (!r.path("success").asBoolean()) {
        failures.add(label + ": " + r.path("actionId").asText() + ": "
            + r.path("errorMessage").asText());
        ok = false;
      }
    }
    return ok ? results : null;
  }

  private ObjectNode provider() {
    ObjectNode ctx = JSON.createObjectNode();
    ctx.putObject("connectivity").put("admin_auth_token", "tok-hostkill");
    callbacks.expose(ctx);
    ObjectNode resource = ctx.putObject("resource").put("name", "hangar-aws")
        .put("fullname", "hangar-aws").put("model", "Hangar Cloud Provider");
    ObjectNode attrs = resource.putObject("attributes");
    bed.attributes.forEach(attrs::put);
    return ctx;
  }

  private ObjectNode resource(String reservation) {
    ObjectNode ctx = provider();
    ctx.putObject("reservation").put("reservation_id", reservation).put("owner_user", "load")
        .put("environment_name", "host kills");
    return ctx;
  }

  private ObjectNode remote(String reservation, JsonNode deployed) {
    ObjectNode ctx = provider();
    ctx.putObject("remote_reservation").put("reservation_id", reservation)
        .put("owner_user", "load");
    String name = deployed.path("vmName").asText();
    ObjectNode endpoint = ctx.putArray("remote_endpoints").addObject().put("name", name)
        .put("fullname", name).put("address", "");
    endpoint.putObject("attributes").put("Public IP", "");
    endpoint.putObject("app_context").put("app_request_json", "")
        .put("deployed_app_json", SandboxRequests.deployedApp(deployed).toString());
    return ctx;
  }

  private static String details(JsonNode deployed) {
    return SandboxRequests.detailsRequest(
        JSON.createObjectNode().put("name", deployed.path("vmName").asText()), deployed);
  }

  /** Counts the Deploys that waited on another attempt's claim, and those that took one over. */
  private void countClaims(String progress) {
    if (progress.contains("another host is deploying")) {
      claimWaits.incrementAndGet();
    } else if (progress.contains("taking over the Deploy")) {
      takeovers.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------
  // The hosts, their kills and what EC2 holds.

  /** Starts host {@code i} on its port (any free port the first time), waiting until it serves. */
  private void startHost(int i) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Process p = ServeChild.start(dir, ports.get(i));
      Integer port = servingOn(p);
      if (port != null) {
        hosts.set(i, p);
        ports.set(i, port);
        return;
      }
      // The port not free again yet (or the start failed): try again shortly.
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      if (System.nanoTime() > deadline) {
        throw new IOException("host " + i + " did not start on port " + ports.get(i)
            + " (see " + dir.resolve("serve.err") + ")");
      }
      Thread.sleep(200);
    }
  }

  /** The port of the "serving on" line, or null when the process ended or said nothing. */
  private static Integer servingOn(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(90, TimeUnit.SECONDS);
    Matcher m = SERVING.matcher(String.valueOf(first));
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  private void killEvery(Duration every) {
    try {
      for (int victim = 0; killing; victim = (victim + 1) % hosts.size()) {
        Thread.sleep(every.toMillis());
        if (!killing) {
          return;
        }
        killAndRestart(victim);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failures.add("host killer: " + e);
    }
  }

  /** Kills host {@code i} with SIGKILL (no shutdown, no rollback), then starts it again. */
  public void killAndRestart(int i) throws Exception {
    Process p = hosts.get(i);
    p.destroyForcibly();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      throw new IOException("host " + i + " did not die");
    }
    synchronized (this) {
      kills++;
    }
    startHost(i);
  }

  /** The number of hosts of the current run, once it has started them. */
  public int hostCount() {
    return hosts.size();
  }

  private void stopHosts() throws InterruptedException {
    for (Process p : hosts) {
      if (p != null) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    hosts.clear();
    ports.clear();
  }

  /** Instances in EC2 (any state, terminated too) by their creating actionId. */
  private Map<String, Integer> instancesPerAction() {
    Map<String, Integer> per = new TreeMap<>();
    for (var r : ec2.describeInstancesPaginator(q -> q.filters(Filter.builder()
        .name("tag-key").values(Tags.ACTION).build())).reservations()) {
      for (Instance i : r.instances()) {
        per.merge(Tags.value(i.tags(), Tags.ACTION), 1, Integer::sum);
      }
    }
    return per;
  }

  @Override
  public void close() throws InterruptedException {
    threads.shutdownNow();
    if (client != null) {
      client.close();
    }
    stopHosts();
    callbacks.close();
    ec2.close();
    bed.close();
    LocalProcesses.deleteTree(dir);
  }

  /**
   * {@code HostKillLoad [SANDBOXES APPS PARALLEL HOSTS KILL_EVERY_S]} (default 50 10 5 3 10):
   * one host without kills, then HOSTS hosts with kills, side by side; exit 1 unless both are
   * clean.
   */
  public static void main(String[] args) throws Exception {
    int sandboxes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int apps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int parallel = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int hostCount = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    Duration every = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 10);
    HostKillReport one;
    HostKillReport several;
    try (HostKillLoad load = new HostKillLoad()) {
      one = load.run(new Config(sandboxes, apps, parallel, 1, null));
      several = load.run(new Config(sandboxes, apps, parallel, hostCount, every));
    }
    System.out.print(HostKillReport.sideBySide(List.of(one, several)));
    System.exit(one.clean() && several.clean() ? 0 : 1);
  }
}
