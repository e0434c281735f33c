package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.datamodel.context.ResourceCommandContext;
import dev.hangar.driver.orchestrator.RecordingOrchestratorApi;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.Contexts;
import dev.hangar.testing.InMemoryCloud;
import dev.hangar.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer over the request reader, through the driver's commands (so the reading, the
 * per-action checks and the result writing all run): it mutates the sample requests, as text
 * (cuts, splices, stray bytes, metacharacters) and as trees (a node replaced by a value of
 * another type, a huge one, deep nesting), for {@value #BUDGET_SECONDS} s. Every input must be
 * answered with JSON or refused with a {@link ClientException}, within {@value #HANG_SECONDS} s;
 * anything else escaping is a bug. jqwik would do the shrinking, but its engine targets the JUnit
 * Platform 1.x and this build runs JUnit 6, so the generator is our own: a failure names the seed
 * and the iteration, and {@code -Dhangar.fuzz.seed=N} replays the run.
 */
class RequestFuzzTest {
  private static final int BUDGET_SECONDS = 20;
  private static final int HANG_SECONDS = 10;
  private static final WireCodec CODEC = WireCodec.standard();
  private static final ObjectMapper JSON = CODEC.mapper();
  private static final String[] NASTY = {"\"", "\\", "{", "}", "[", "]", ",", ":", "\u0000",
      "\uD800", "\uFFFF", "<", ">", "&", "'", "$(", "`", ";", "|", "\n", "-", "e", "1e999",
      "null", "true", "-0", "NaN", "0x10", "\u00e9", "\ud83d\ude00", " ", "/*", "//"};

  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  /** A command, the context it takes, and the seeds it is fed. */
  private record Target(String sample, Function<String, String> command) {}

  @Test
  void mutatedRequestsAreAnsweredOrRefusedAsClientErrorsNeverCrashOrHang() throws Exception {
    long seed = Long.getLong("hangar.fuzz.seed", System.nanoTime());
    CloudProviderDriver driver = new CloudProviderDriver(BackendRegistry.empty()
        .register(InMemoryCloud.kvm()).register(InMemoryCloud.aws()),
        c -> RecordingOrchestratorApi.silent());
    ResourceCommandContext kvm = Contexts.resource(Contexts.kvmAttributes());
    Map<String, String> awsAttrs = new LinkedHashMap<>();
    awsAttrs.put("Hangar Cloud Provider.Cloud Type", "AWS");
    awsAttrs.put("Hangar Cloud Provider.Networking type", "L3");
    ResourceCommandContext aws = Contexts.resource(awsAttrs);
    CancellationContext none = CancellationContext.NONE;
    List<Target> targets = List.of(
        new Target("deploy-kvm-template.json", r -> driver.deploy(kvm, r, none)),
        new Target("deploy-kvm-kernel.json", r -> driver.deploy(kvm, r, none)),
        new Target("deploy-aws-ec2.json", r -> driver.deploy(aws, r, none)),
        new Target("apply-connectivity-setvlan.json", r -> driver.applyConnectivityChanges(kvm,
            r)),
        new Target("apply-connectivity-removevlan.json", r -> driver.applyConnectivityChanges(
            kvm, r)),
        new Target("get-vm-details-kvm.json", r -> driver.getVmDetails(kvm, r, none)),
        new Target("prepare-sandbox-infra.json", r -> driver.prepareSandboxInfra(aws, r, none)),
        new Target("cleanup-sandbox-infra.json", r -> driver.cleanupSandboxInfra(aws, r)),
        new Target("set-app-security-groups.json", r -> driver.setAppSecurityGroups(aws, r)),
        new Target("save-app.json", r -> driver.saveApp(kvm, r, none)),
        new Target("delete-saved-apps.json", r -> driver.deleteSavedApps(kvm, r, none)),
        new Target("validate-attributes-kvm.json", r -> driver.validateAttributes(kvm, r)),
        new Target("get-attribute-hints-aws.json", r -> driver.getAttributeHints(aws, r)));
    Map<String, String> samples = new LinkedHashMap<>();
    for (Target t : targets) {
      samples.put(t.sample(), Files.readString(Samples.dir().resolve("requests")
          .resolve(t.sample())));
    }
    List<String> corpus = List.copyOf(samples.values());

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
    int answered = 0;
    int refused = 0;
    int i = 0;
    for (; System.nanoTime() < end; i++) {
      Random random = new Random(seed * 31 + i);
      Target t = targets.get(random.nextInt(targets.size()));
      String input = mutate(samples.get(t.sample()), corpus, random);
      String where = "seed " + seed + " iteration " + i + " (" + t.sample() + "): "
          + abbreviate(input);
      Future<String> call = worker.submit(() -> t.command().apply(input));
      try {
        String out = call.get(HANG_SECONDS, TimeUnit.SECONDS);
        assertThat(out).as(where).isNotNull();
        CODEC.readTree(out, "response"); // an answer is always JSON
        answered++;
      } catch (TimeoutException e) {
        call.cancel(true);
        throw new AssertionError("no answer within " + HANG_SECONDS + " s: " + where);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof ClientException)) {
          throw new AssertionError("escaped: " + e.getCause() + " for " + where, e.getCause());
        }
        assertThat(e.getCause().getMessage()).as(where).isNotBlank();
        refused++;
      }
    }
    System.out.printf("fuzz: seed %d, %d inputs in %d s: %d answered, %d refused%n", seed, i,
        BUDGET_SECONDS, answered, refused);
    // Both kinds must have been reached, or the mutations stopped exercising the reader.
    assertThat(answered).as("inputs answered").isGreaterThan(50);
    assertThat(refused).as("inputs refused").isGreaterThan(50);
  }

  // -------------------------------------------------------------------------------------------
  // Mutations: one to three per input, of text or of the tree.

  static String mutate(String sample, List<String> corpus, Random r) {
    String s = sample;
    int rounds = 1 + r.nextInt(3);
    for (int k = 0; k < rounds; k++) {
      s = switch (r.nextInt(8)) {
        case 0 -> s.substring(0, r.nextInt(s.length() + 1));
        case 1 -> cut(s, r);
        case 2 -> insert(s, NASTY[r.nextInt(NASTY.length)], r);
        case 3 -> splice(s, corpus.get(r.nextInt(corpus.size())), r);
        case 4 -> flip(s, r);
        default -> treeMutation(s, r);
      };
    }
    return s;
  }

  private static String cut(String s, Random r) {
    if (s.isEmpty()) {
      return s;
    }
    int a = r.nextInt(s.length());
    int b = Math.min(s.length(), a + r.nextInt(40));
    return s.substring(0, a) + s.substring(b);
  }

  private static String insert(String s, String what, Random r) {
    int at = r.nextInt(s.length() + 1);
    return s.substring(0, at) + what + s.substring(at);
  }

  private static String splice(String s, String other, Random r) {
    return s.substring(0, r.nextInt(s.length() + 1))
        + other.substring(r.nextInt(other.length() + 1));
  }

  private static String flip(String s, Random r) {
    if (s.isEmpty()) {
      return s;
    }
    int at = r.nextInt(s.length());
    return s.substring(0, at) + (char) r.nextInt(0x3000) + s.substring(at + 1);
  }

  /** Replaces one node of the parsed request by a value of another type; text if unparsable. */
  private static String treeMutation(String s, Random r) {
    JsonNode root;
    try {
      root = JSON.readTree(s);
    } catch (IOException e) {
      return insert(s, NASTY[r.nextInt(NASTY.length)], r);
    }
    if (root == null || !root.isContainerNode()) {
      return s;
    }
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode parent = containers.get(r.nextInt(containers.size()));
    JsonNode replacement = randomValue(r, 0);
    if (parent instanceof ObjectNode o && o.size() > 0) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      String name = names.get(r.nextInt(names.size()));
      if (r.nextInt(4) == 0) {
        o.remove(name);
      } else {
        o.set(name, replacement);
      }
    } else if (parent instanceof ArrayNode a) {
      if (a.size() > 0 && r.nextBoolean()) {
        a.set(r.nextInt(a.size()), replacement);
      } else if (a.size() > 0 && r.nextInt(3) == 0) {
        // Many copies of an element: large requests and duplicate actionIds.
        JsonNode copy = a.get(r.nextInt(a.size()));
        for (int n = r.nextInt(200); n > 0; n--) {
          a.add(copy.deepCopy());
        }
      } else {
        a.add(replacement);
      }
    }
    try {
      return root.toString();
    } catch (RuntimeException e) {
      // Deeper than Jackson writes (1000 levels): the reader must refuse it as text too.
      return "[".repeat(1200) + s + "]".repeat(1200);
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        collect(it.next(), out);
      }
    }
  }

  private static JsonNode randomValue(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (r.nextInt(depth > 3 ? 7 : 10)) {
      case 0 -> f.nullNode();
      case 1 -> f.booleanNode(r.nextBoolean());
      case 2 -> f.numberNode(r.nextInt(9000) - 100);
      case 3 -> f.numberNode(new java.math.BigInteger(64 + r.nextInt(200), r));
      case 4 -> f.numberNode(r.nextDouble() * 1e300);
      case 5 -> f.textNode(String.join("", Stream.generate(() -> NASTY[r.nextInt(NASTY.length)])
          .limit(r.nextInt(12)).toList()));
      case 6 -> f.textNode(List.of("4", "0", "4095", "5000", "10-11", "100-200,300", "abc",
          "Access", "Trunk", "True", "deployApp", "setVlan", "../../etc/passwd", "")
          .get(r.nextInt(14)));
      case 7 -> {
        ArrayNode a = f.arrayNode();
        for (int n = r.nextInt(4); n > 0; n--) {
          a.add(randomValue(r, depth + 1));
        }
        yield a;
      }
      case 8 -> {
        ObjectNode o = f.objectNode();
        for (int n = r.nextInt(4); n > 0; n--) {
          o.set(List.of("type", "actionId", "vlanId", "attributes", "actionParams", "items",
              "attributeName", "attributeValue").get(r.nextInt(8)), randomValue(r, depth + 1));
        }
        yield o;
      }
      default -> {
        JsonNode deep = f.textNode("x");
        for (int n = 1 + r.nextInt(1500); n > 0; n--) {
          deep = f.arrayNode().add(deep);
        }
        yield deep;
      }
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
  }
}
