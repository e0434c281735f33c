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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
 * would make real guests, hundreds of them); the sandboxes go round up to ten of its regions
 * ({@link #REGIONS}), five to a region. Per sandbox, as an orchestrator runs it:
 * PrepareSandboxInfra; every app's Deploy at once (each connected to the public subnet); per
 * app PowerOn, remote_refresh_ip and GetVmDetails; per app PowerOff and DeleteInstance;
 * CleanupSandboxInfra. Every call is one that {@code HostRetries} retries.
 *
 * <p>Afterwards: every command succeeded (whatever its attempts met); each Deploy's actionId has
 * exactly one instance in EC2 (any region), terminated states included (a retried Deploy found
 * the VM of the killed attempt instead of making a second); and EC2 holds nothing the run made
 * ({@link MotoState}). The report counts the attempts that failed UNAVAILABLE and the calls
 * they belonged to. {@code bench/load --hosts 3} runs it beside one host without kills.
 */
public final class HostKillLoad implements AutoCloseable {
  private static final Duration CALL = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = AwsTestbed.CODEC.mapper();
  /**
   * The regions the sandboxes are spread over, as an orchestrator with a cloud provider
   * resource per region spreads them: moto looks through every instance of a region it ever
   * made, terminated ones included, on each DescribeInstances (with a tag filter: 11 ms at 100
   * terminated instances, 26 ms at 250, 77 ms at 500), so 500 instances in one region make the
   * run's cost grow with the square of its sandboxes (a 50 x 10 run of one host took 18 min,
   * 10 x 10 45 s); per region it stays that of 5 sandboxes.
   */
  static final List<String> REGIONS = List.of("eu-west-1", "eu-west-2", "eu-west-3",
      "eu-central-1", "eu-north-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
      "ap-southeast-1");

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

    /** The regions the sandboxes go round: one per 5 sandboxes, at most all of them. */
    int regions() {
      return Math.min(REGIONS.size(), (sandboxes + 4) / 5);
    }

    /** "1 host", or "3 hosts, kills". */
    public String label() {
      return hosts + (hosts == 1 ? " host" : " hosts") + (kills() ? ", kills" : "");
    }
  }

  private final AwsTestbed bed;
  /** A reader of moto per region of {@link #REGIONS}. */
  private final Map<String, Ec2Client> ec2 = new LinkedHashMap<>();
  private final CallbackServer callbacks;
  private final Path dir;
  private final ServeProcesses hosts;
  private final List<CallAttempts.Call> calls = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private Consumer<String> progress = line -> { };
  private HostClient client;
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
    REGIONS.forEach(r -> ec2.put(r, MotoState.client(bed.endpoint(), r)));
    callbacks = CallbackServer.start(new HostPort("127.0.0.1", 0),
        new ProgressHookApi(bed.api, message -> {
          countClaims(message);
          onProgress.accept(message);
        }));
    dir = Files.createTempDirectory("hangar-hostkill-");
    hosts = new ServeProcesses(dir);
  }

  /** Runs the load on {@code config.hosts()} fresh host processes; stops them after. */
  public HostKillReport run(Config config) throws Exception {
    bed.moto.reset();
    calls.clear();
    failures.clear();
    claimWaits.set(0);
    takeovers.set(0);
    Map<String, MotoState> before = readMoto();
    HostTargets targets = HostTargets.parse(String.join(",", hosts.start(config.hosts())));
    client = new HostClient(HostClient.channel(targets, ClientTls.PLAINTEXT)
        .intercept(new CallAttempts(calls::add)).build(), ServeChild.token());
    long start = System.nanoTime();
    long wall;
    int kills;
    try {
      if (config.kills()) {
        hosts.killEvery(config.killEvery(), failures::add);
      }
      AtomicInteger done = new AtomicInteger();
      ExecutorService sandboxes = Executors.newFixedThreadPool(config.parallel());
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int s = 0; s < config.sandboxes(); s++) {
          String reservation = String.format("hk-%04d", s);
          String region = REGIONS.get(s % config.regions());
          all.add(sandboxes.submit(() -> {
            sandbox(reservation, region, config.apps());
            progress.accept(String.format("%s: sandbox %s done (%d of %d), %d commands,"
                + " %d kills, %.0f s", config.label(), reservation, done.incrementAndGet(),
                config.sandboxes(), calls.size(), hosts.kills(),
                (System.nanoTime() - start) / 1e9));
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
      wall = System.nanoTime() - start;
      client.close();
      hosts.stop();
      kills = hosts.kills();
    }
    return new HostKillReport(config, wall, List.copyOf(calls), List.copyOf(failures), kills,
        claimWaits.get(), takeovers.get(), instancesPerAction(),
        config.sandboxes() * config.apps(), addedSince(before));
  }

  // ---------------------------------------------------------------------------------------
  // One sandbox, as the orchestrator's setup and teardown run it.

  private void sandbox(String reservation, String region, int apps) throws Exception {
    JsonNode prepared = results("PrepareSandboxInfra", call(Command.PREPARE_SANDBOX_INFRA,
        resource(reservation, region), AwsTestbed.prepareRequest()));
    if (prepared == null) {
      return;
    }
    String pub = AwsTestbed.result(prepared, "pub").path("subnetId").asText();
    List<Callable<JsonNode>> deploys = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      String action = reservation + "-app" + a;
      String app = "app" + a;
      deploys.add(() -> {
        JsonNode r = results("Deploy", call(Command.DEPLOY, resource(reservation, region),
            AwsTestbed.request(AwsTestbed.connectSubnet(action + "-nic", pub, "0"),
                AwsTestbed.deployApp(action, app, Map.of("AWS AMI Id", BareEc2Loop.AMI)))));
        return r == null ? null : AwsTestbed.result(r, action);
      });
    }
    List<JsonNode> deployed = inParallel(deploys).stream().filter(d -> d != null).toList();
    List<Callable<Void>> perApp = new ArrayList<>();
    for (JsonNode d : deployed) {
      perApp.add(() -> {
        ObjectNode remote = remote(reservation, region, d);
        call(Command.POWER_ON, remote, null);
        call(Command.REMOTE_REFRESH_IP, remote, null);
        String shown = call(Command.GET_VM_DETAILS, resource(reservation, region), details(d));
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
        ObjectNode remote = remote(reservation, region, d);
        call(Command.POWER_OFF, remote, null);
        call(Command.DELETE_INSTANCE, remote, null);
        return null;
      });
    }
    inParallel(teardown);
    results("CleanupSandboxInfra", call(Command.CLEANUP_SANDBOX_INFRA,
        resource(reservation, region), AwsTestbed.cleanupRequest()));
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

  private ObjectNode provider(String region) {
    ObjectNode ctx = JSON.createObjectNode();
    ctx.putObject("connectivity").put("admin_auth_token", "tok-hostkill");
    callbacks.expose(ctx);
    ObjectNode resource = ctx.putObject("resource").put("name", "hangar-aws")
        .put("fullname", "hangar-aws").put("model", "Hangar Cloud Provider");
    ObjectNode attrs = resource.putObject("attributes");
    bed.attributes.forEach(attrs::put);
    attrs.put("Hangar Cloud Provider.Region", region);
    return ctx;
  }

  private ObjectNode resource(String reservation, String region) {
    ObjectNode ctx = provider(region);
    ctx.putObject("reservation").put("reservation_id", reservation).put("owner_user", "load")
        .put("environment_name", "host kills");
    return ctx;
  }

  private ObjectNode remote(String reservation, String region, JsonNode deployed) {
    ObjectNode ctx = provider(region);
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
  // What EC2 holds.

  /** Where a line goes as each sandbox of a run ends (nowhere unless set). */
  public void onSandboxDone(Consumer<String> sink) {
    progress = sink;
  }

  /** The number of hosts of the current run, once it has started them. */
  public int hostCount() {
    return hosts.count();
  }

  /** Kills host {@code i} of the current run with SIGKILL, then starts it again. */
  public void killAndRestart(int i) throws Exception {
    hosts.killAndRestart(i);
  }

  /** Instances in EC2 (any state, terminated too, every region) by their creating actionId. */
  private Map<String, Integer> instancesPerAction() {
    Map<String, Integer> per = new TreeMap<>();
    for (Ec2Client c : ec2.values()) {
      for (var r : c.describeInstancesPaginator(q -> q.filters(Filter.builder()
          .name("tag-key").values(Tags.ACTION).build())).reservations()) {
        for (Instance i : r.instances()) {
          per.merge(Tags.value(i.tags(), Tags.ACTION), 1, Integer::sum);
        }
      }
    }
    return per;
  }

  private Map<String, MotoState> readMoto() {
    Map<String, MotoState> m = new LinkedHashMap<>();
    ec2.forEach((region, c) -> m.put(region, MotoState.read(c)));
    return m;
  }

  /** What moto holds now and did not before, by kind, each id prefixed with its region. */
  private Map<String, Set<String>> addedSince(Map<String, MotoState> before) {
    Map<String, Set<String>> left = new TreeMap<>();
    readMoto().forEach((region, now) -> now.addedSince(before.get(region)).forEach((kind, ids) ->
        ids.forEach(id -> left.computeIfAbsent(kind, k -> new TreeSet<>())
            .add(region + "/" + id))));
    return left;
  }

  @Override
  public void close() throws InterruptedException {
    threads.shutdownNow();
    if (client != null) {
      client.close();
    }
    hosts.stop();
    callbacks.close();
    ec2.values().forEach(Ec2Client::close);
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
      load.onSandboxDone(System.err::println);
      one = load.run(new Config(sandboxes, apps, parallel, 1, null));
      // The baseline at once: a long run may be stopped before the second ends.
      System.out.print(one.format());
      several = load.run(new Config(sandboxes, apps, parallel, hostCount, every));
    }
    System.out.print(HostKillReport.sideBySide(List.of(one, several)));
    System.exit(one.clean() && several.clean() ? 0 : 1);
  }
}
