package dev.hangar.driver.openstack;

import static dev.hangar.driver.openstack.OpenStackTestbed.deployApp;
import static dev.hangar.driver.openstack.OpenStackTestbed.request;
import static dev.hangar.driver.openstack.OpenStackTestbed.results;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.context.CancellationContext;
import dev.hangar.driver.CloudProviderDriver;
import dev.hangar.driver.SandboxReaping;
import dev.hangar.driver.embedded.OpenStackSeed;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.driver.spi.ReapReport;
import dev.hangar.driver.spi.ReapReport.Line;
import dev.hangar.driver.spi.ReapReport.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.model.compute.Keypair;
import org.openstack4j.model.compute.Server;

/**
 * The same Deploy actionId on two drivers at once (two sandbox hosts' backends, sharing only the
 * real stack) makes one server that both answers name, round after round with two actionIds at
 * a time; the claims ({@link ServerClaims}) are gone after each Deploy and nothing is left after
 * the deletes. A claim left by a dead host is taken over once past the stale limit; the reaper
 * removes a stale claim and keeps a fresh one.
 */
class OpenStackClaimTest {
  private final OpenStackTestbed bed = new OpenStackTestbed();
  /** The common pool has one thread on two cores: parallel work gets threads of its own. */
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void theSameActionIdOnTwoHostsAtOnceMakesOneServerThatBothAnswersName() throws Exception {
    CloudProviderDriver other = new CloudProviderDriver(BackendRegistry.empty().register(
        new OpenStackBackendProvider(OpenStackTestbed.FAST)), c -> bed.api);
    OSClientV3 os = bed.admin();
    List<JsonNode> made = new ArrayList<>();
    try {
      for (int round = 0; round < 2; round++) {
        List<String> actions = List.of(bed.sandbox + "-r" + round + "a",
            bed.sandbox + "-r" + round + "b");
        CyclicBarrier together = new CyclicBarrier(4);
        List<Future<JsonNode>> calls = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
          String req = request(deployApp(actions.get(i), "twin" + round + i, Map.of("Image",
              OpenStackSeed.IMAGE, "Floating IP", i == 0 ? "True" : "False")));
          for (CloudProviderDriver d : List.of(bed.driver, other)) {
            calls.add(threads.submit(() -> {
              together.await();
              return results(d.deploy(bed.resource(), req, CancellationContext.NONE)).get(0);
            }));
          }
        }
        List<JsonNode> answers = new ArrayList<>();
        for (Future<JsonNode> f : calls) {
          answers.add(f.get());
        }
        for (int i = 0; i < actions.size(); i++) {
          JsonNode a = answers.get(2 * i);
          JsonNode b = answers.get(2 * i + 1);
          if (a.path("success").asBoolean()) {
            made.add(a);
          } else if (b.path("success").asBoolean()) {
            made.add(b);
          }
          assertThat(a.path("success").asBoolean()).as(a.toString()).isTrue();
          assertThat(b.path("success").asBoolean()).as(b.toString()).isTrue();
          for (String field : List.of("vmUuid", "vmName", "deployedAppAddress",
              "deployedAppAttributes")) {
            assertThat(b.path(field)).as(field).isEqualTo(a.path(field));
          }
          assertThat(List.of(a.path("infoMessage").asText(), b.path("infoMessage").asText()))
              .as("one host booted it, the other found it")
              .anySatisfy(m -> assertThat(m).startsWith("booted server"))
              .anySatisfy(m -> assertThat(m).contains("earlier attempt"));
          assertThat(serversOf(os, actions.get(i))).containsExactly(a.path("vmUuid").asText());
        }
        assertThat(claims(os)).as("every claim released").isEmpty();
      }
    } finally {
      for (JsonNode r : made) {
        bed.driver.deleteInstance(bed.remote("twin", r.path("vmUuid").asText()));
      }
    }
    assertThat(serversOf(os, null)).isEmpty();
    assertThat(claims(os)).isEmpty();
  }

  @Test
  void aClaimLeftByADeadHostIsTakenOverOncePastTheStaleLimit() {
    OpenStackTestbed quick = new OpenStackTestbed(OpenStackTestbed.FAST.withClaimStale(
        Duration.ofSeconds(2)));
    Queue<String> progress = new ConcurrentLinkedQueue<>();
    quick.onProgress = progress::add;
    OSClientV3 os = quick.admin();
    String action = quick.sandbox + "-dead";
    String claim = ServerClaims.name(quick.sandbox, action);
    os.compute().keypairs().create(claim, ServerClaims.KEY + " hangar-claim:a-dead-host:t1");
    JsonNode r = results(quick.driver.deploy(quick.resource(), request(deployApp(action,
        "heir", Map.of("Image", OpenStackSeed.IMAGE))), CancellationContext.NONE)).get(0);
    try {
      assertThat(r.path("success").asBoolean()).as(r.toString()).isTrue();
      assertThat(r.path("infoMessage").asText()).startsWith("booted server");
      assertThat(progress).anySatisfy(m -> assertThat(m).startsWith("Another host is deploying"))
          .anySatisfy(m -> assertThat(m).startsWith("Taking over the Deploy of").contains(
              claim));
      assertThat(serversOf(os, action)).containsExactly(r.path("vmUuid").asText());
      assertThat(claims(os)).isEmpty();
    } finally {
      quick.driver.deleteInstance(quick.remote("heir", r.path("vmUuid").asText()));
    }
    assertThat(serversOf(os, action)).isEmpty();
  }

  @Test
  void theReaperRemovesAStaleClaimAndKeepsAFreshOne() throws Exception {
    OSClientV3 os = bed.admin();
    String old = ServerClaims.name(bed.sandbox, "old");
    String fresh = ServerClaims.name(bed.sandbox, "fresh");
    os.compute().keypairs().create(old, ServerClaims.KEY + " hangar-claim:a-dead-host:t1");
    Instant oldMade = os.compute().keypairs().get(old).getCreatedAt().toInstant();
    Instant freshMade;
    try {
      do { // Nova dates in whole seconds: the fresh one must be made a later second
        Thread.sleep(300);
        os.compute().keypairs().delete(fresh);
        os.compute().keypairs().create(fresh, ServerClaims.KEY + " hangar-claim:a-live-host:t2");
        freshMade = os.compute().keypairs().get(fresh).getCreatedAt().toInstant();
      } while (!freshMade.isAfter(oldMade));
      // the reaper runs when the old claim is past the (default) stale limit, the fresh not yet
      Instant now = oldMade.plus(OpenStackTimeouts.CLAIM_STALE).plus(Duration.between(oldMade,
          freshMade).dividedBy(2));
      SandboxReaping reaping = new SandboxReaping(BackendRegistry.empty().register(
          new OpenStackBackendProvider(OpenStackTestbed.FAST)), c -> bed.api);
      String context = bed.providerContext();

      ReapReport dry = reaping.reap(context, true, now, CancellationContext.NONE);
      assertThat(claimLines(dry)).singleElement().satisfies(l -> {
        assertThat(l.outcome()).isEqualTo(Outcome.WOULD_REMOVE);
        assertThat(l.id()).isEqualTo(old);
        assertThat(l.why()).startsWith("deploy claim left since ");
      });
      assertThat(claims(os)).containsExactlyInAnyOrder(old, fresh);

      ReapReport done = reaping.reap(context, false, now, CancellationContext.NONE);
      assertThat(done.clean()).as(done.lines().toString()).isTrue();
      assertThat(claimLines(done)).singleElement().satisfies(l -> {
        assertThat(l.outcome()).isEqualTo(Outcome.REMOVED);
        assertThat(l.id()).isEqualTo(old);
      });
      assertThat(claims(os)).containsExactly(fresh);
    } finally {
      os.compute().keypairs().delete(old);
      os.compute().keypairs().delete(fresh);
    }
    assertThat(claims(os)).isEmpty();
  }

  private static List<Line> claimLines(ReapReport report) {
    return report.lines().stream().filter(l -> l.kind().equals("deploy-claim")).toList();
  }

  /** The ids of the live servers of {@code action}, or of this test's sandbox when null. */
  private List<String> serversOf(OSClientV3 os, String action) {
    return os.compute().servers().list().stream().filter(x -> x.getStatus()
        != Server.Status.DELETED && x.getMetadata() != null).filter(x -> action == null
            ? bed.sandbox.equals(x.getMetadata().get(Marks.SANDBOX))
            : action.equals(x.getMetadata().get(Marks.ACTION))).map(Server::getId).toList();
  }

  /** The names of the claims in the project's user's key pairs. */
  private static List<String> claims(OSClientV3 os) {
    return os.compute().keypairs().list().stream().map(Keypair::getName)
        .filter(ServerClaims::isClaim).toList();
  }
}
