package dev.hangar.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.request.CheckedAction;
import dev.hangar.datamodel.request.DriverRequest;
import dev.hangar.datamodel.request.RequestValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a 50-action request (DESIGN's budget: well under 1 ms). {@code jsonTree} is the floor
 * any JSON reader pays (Jackson's tree parse of the same bytes); {@code readRequest} is the codec
 * (typed actions, leniency); {@code readAndValidate} adds the per-action protocol rules.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestParsingBenchmark {
  private final WireCodec codec = WireCodec.standard();
  final String request = fiftyActions();

  static String fiftyActions() {
    List<String> actions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      actions.add("{\"type\":\"" + (i % 2 == 0 ? "setVlan" : "removeVlan") + "\",\"actionId\":\"a"
          + i + "\",\"connectionId\":\"c" + i + "\",\"connectionParams\":{\"type\":"
          + "\"setVlanParameter\",\"vlanId\":\"" + (i % 3 == 0 ? "100-200,300" : "" + (10 + i))
          + "\",\"mode\":\"" + (i % 3 == 0 ? "Trunk" : "Access") + "\",\"vlanServiceAttributes\":["
          + "{\"attributeName\":\"QnQ\",\"attributeValue\":\"False\",\"type\":"
          + "\"vlanServiceAttribute\"},{\"attributeName\":\"CTag\",\"attributeValue\":\"\","
          + "\"type\":\"vlanServiceAttribute\"}]},\"connectorAttributes\":[{\"attributeName\":"
          + "\"Interface\",\"attributeValue\":\"52:54:00:00:00:" + String.format("%02x", i)
          + "\",\"type\":\"connectorAttribute\"}],\"actionTarget\":{\"fullName\":\"app" + i
          + "\",\"fullAddress\":\"NA\",\"type\":\"actionTarget\"},\"customActionAttributes\":[{"
          + "\"attributeName\":\"VM_UUID\",\"attributeValue\":\"6f0f6c2e-5b8b-4f5e-9a57-2a4b8c1d9e"
          + String.format("%02d", i) + "\",\"type\":\"customAttribute\"}]}");
    }
    for (int i = 40; i < 50; i++) {
      actions.add("{\"type\":\"deployApp\",\"actionId\":\"d" + i + "\",\"actionParams\":{"
          + "\"type\":\"deployAppParams\",\"appName\":\"app" + i + "\",\"deployment\":{\"type\":"
          + "\"deployAppDeploymentInfo\",\"deploymentPath\":\"Hangar Cloud Provider.KVM VM From"
          + " Template\",\"attributes\":[{\"attributeName\":\"Template\",\"attributeValue\":"
          + "\"debian.qcow2\",\"type\":\"attribute\"},{\"attributeName\":\"CPU\",\"attributeValue\""
          + ":\"2\",\"type\":\"attribute\"},{\"attributeName\":\"Wait for IP\",\"attributeValue\":"
          + "true,\"type\":\"attribute\"}]},\"appResource\":{\"type\":\"appResourceInfo\","
          + "\"attributes\":[{\"attributeName\":\"Password\",\"attributeValue\":\"x\",\"type\":"
          + "\"attribute\"}]}}}");
    }
    return "{\"driverRequest\":{\"actions\":[" + String.join(",", actions) + "]}}";
  }

  @Benchmark
  public JsonNode jsonTree() {
    return codec.readTree(request, "request");
  }

  @Benchmark
  public DriverRequest readRequest() {
    return codec.readDriverRequest(request);
  }

  @Benchmark
  public List<CheckedAction> readAndValidate() {
    return RequestValidator.check(codec.readDriverRequest(request));
  }
}
