package dev.hangar.driver.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EC2 Query API peer on a free loopback port: an embedded WireMock server whose catch-all
 * stub answers through {@link Ec2Model} (our own transformer, which keeps the state a whole
 * sandbox needs), and whose higher-priority scenario stubs inject EC2's error shapes before
 * the model sees a request. Requests must be signed with {@link #KEY_ID}, as EC2 checks.
 */
public final class Ec2Peer implements AutoCloseable {
  static final String REGION = "eu-west-1";
  static final String KEY_ID = "AKIAHANGARPEER000001";
  /** The plain secret; tests give the driver an encrypted form that decrypts to it. */
  static final String SECRET = "peer/Secret+Key0123456789abcdefghijklmnop";
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");

  private final Ec2Model model;
  private final WireMockServer wm;
  private final AtomicInteger scenarios = new AtomicInteger();
  private volatile double throttleRatio;
  private final java.util.Random random = new java.util.Random(19);
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger throttled = new AtomicInteger();

  public Ec2Peer() {
    this(KEY_ID);
  }

  /** A peer that takes requests signed with {@code accessKeyId} (the samples have their own). */
  public Ec2Peer(String accessKeyId) {
    model = new Ec2Model(REGION, accessKeyId);
    wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
        .containerThreads(12).extensions(new Transformer()));
    wm.start();
    wm.stubFor(post(urlEqualTo("/")).atPriority(10)
        .willReturn(aResponse().withTransformers(Transformer.NAME)));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + wm.port();
  }

  Ec2Model model() {
    return model;
  }

  WireMockServer wireMock() {
    return wm;
  }

  /** Requests of one action, as WireMock's journal saw them. */
  static RequestPatternBuilder action(String action) {
    return postRequestedFor(urlEqualTo("/")).withRequestBody(matching(bodyOf(action)));
  }

  static String bodyOf(String action) {
    return "(.*&)?Action=" + action + "(&.*)?";
  }

  /** The next {@code times} requests of {@code action} get an EC2 error instead of an answer. */
  void failNext(String action, int times, int status, String code, String message) {
    String scenario = "fault-" + scenarios.incrementAndGet();
    for (int k = 0; k < times; k++) {
      wm.stubFor(post(urlEqualTo("/")).atPriority(1)
          .withRequestBody(matching(bodyOf(action)))
          .inScenario(scenario)
          .whenScenarioStateIs(k == 0 ? Scenario.STARTED : "failed-" + k)
          .willSetStateTo(k == times - 1 ? "over" : "failed-" + (k + 1))
          .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
              .withBody(Ec2Xml.error(code, message))));
    }
  }

  /**
   * From now on a {@code ratio} of all requests (drawn from a seeded random) get EC2's throttling
   * error, RequestLimitExceeded with HTTP 503, instead of the model's answer.
   */
  void throttle(double ratio) {
    throttleRatio = ratio;
  }

  /** Requests the model answered. */
  int answered() {
    return answered.get();
  }

  /** Requests refused by {@link #throttle}. */
  int throttled() {
    return throttled.get();
  }

  /** Every request of {@code action} gets an EC2 error (a fault that never clears). */
  void failAlways(String action, int status, String code, String message) {
    wm.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withRequestBody(matching(bodyOf(action)))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
            .withBody(Ec2Xml.error(code, message))));
  }

  /**
   * After the next {@code trigger} (answered by the model), the first request of
   * {@code action} whose body matches {@code bodyRegex} gets the error: EC2's eventual
   * consistency, e.g. InvalidInstanceID.NotFound right after RunInstances.
   */
  void failAfter(String trigger, String action, String bodyRegex, int status, String code,
      String message) {
    String scenario = "after-" + scenarios.incrementAndGet();
    wm.stubFor(post(urlEqualTo("/")).atPriority(2)
        .withRequestBody(matching(bodyOf(trigger)))
        .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("armed")
        .willReturn(aResponse().withTransformers(Transformer.NAME)));
    wm.stubFor(post(urlEqualTo("/")).atPriority(1)
        .withRequestBody(matching(bodyOf(action)))
        .withRequestBody(matching(bodyRegex))
        .inScenario(scenario).whenScenarioStateIs("armed").willSetStateTo("over")
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
            .withBody(Ec2Xml.error(code, message))));
  }

  /** Every request body received, decoded, in order (for assertions on parameters). */
  List<QueryForm> requests(String action) {
    return wm.getAllServeEvents().stream()
        .map(e -> QueryForm.parse(e.getRequest().getBodyAsString()))
        .filter(q -> action.equals(q.action()))
        .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), l -> { java.util.Collections.reverse(l); return l; }));
  }

  @Override
  public void close() {
    wm.stop();
  }

  /** Answers a request from the model. */
  private final class Transformer implements ResponseDefinitionTransformerV2 {
    static final String NAME = "ec2-model";

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      double ratio = throttleRatio;
      if (ratio > 0) {
        boolean refuse;
        synchronized (random) {
          refuse = random.nextDouble() < ratio;
        }
        if (refuse) {
          throttled.incrementAndGet();
          return ResponseDefinitionBuilder.responseDefinition().withStatus(503)
              .withHeader("Content-Type", "text/xml;charset=UTF-8")
              .withBody(Ec2Xml.error("RequestLimitExceeded", "Request limit exceeded.")).build();
        }
      }
      answered.incrementAndGet();
      String auth = event.getRequest().getHeader("Authorization");
      Matcher cred = CREDENTIAL.matcher(auth == null ? "" : auth);
      Ec2Model.Reply r = model.handle(QueryForm.parse(event.getRequest().getBodyAsString()),
          cred.find() ? cred.group(1) : null);
      return ResponseDefinitionBuilder.responseDefinition().withStatus(r.status())
          .withHeader("Content-Type", "text/xml;charset=UTF-8").withBody(r.body()).build();
    }

    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }
  }
}
