package dev.hangar.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.datamodel.WireCodec;
import dev.hangar.driver.spi.BackendRegistry;
import dev.hangar.testing.CapableCloud;
import dev.hangar.testing.Contexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario step carries a remote command's parameters, placeholders and all. */
class ScenarioParametersTest {
  @TempDir
  Path dir;

  private Path scenario(String steps) throws Exception {
    String context = WireCodec.standard().write(Contexts.remote(Contexts.kvmAttributes(), "web",
        "u-1", "Public IP"));
    Path file = dir.resolve("s.json");
    Files.writeString(file, "{\"name\":\"snapshots\",\"variables\":{\"snap\":\"base\"},"
        + "\"steps\":[" + steps.replace("CTX", context) + "]}");
    return file;
  }

  @Test
  void parametersReachTheCommandWithTheirPlaceholdersFilled() throws Exception {
    Path file = scenario("{\"name\":\"save\",\"command\":\"remote_save_snapshot\","
        + "\"context\":CTX,\"parameters\":{\"snapshot_name\":\"${snap}\",\"save_memory\":"
        + "\"Yes\"},\"expect\":{\"json\":{\"\":\"base\"}},\"save\":{\"saved\":\"\"}},"
        + "{\"name\":\"list\",\"command\":\"remote_get_snapshots\",\"context\":CTX,"
        + "\"expect\":{\"json\":{\"/0\":\"${saved}\"}}},"
        + "{\"name\":\"restore unknown\",\"command\":\"remote_restore_snapshot\","
        + "\"context\":CTX,\"parameters\":{\"snapshot_name\":\"nope\"},\"expect\":{"
        + "\"raises\":true,\"errorContains\":\"has no snapshot 'nope'; it has: base\"}},"
        + "{\"name\":\"unresolved\",\"command\":\"remote_remove_snapshot\",\"context\":CTX,"
        + "\"parameters\":{\"snapshot_name\":\"${other}\"}}");
    Scenario s = new ScenarioLoader().load(file);
    CapableCloud cloud = CapableCloud.capable();
    ScenarioRunner.Report r = new ScenarioRunner(new InProcessTransport(
        BackendRegistry.empty().register(cloud), Map.of(), null)).run(s, Map.of(), x -> { });
    assertThat(r.steps().subList(0, 3)).allSatisfy(step ->
        assertThat(step.failures()).as(step.name()).isEmpty());
    assertThat(r.steps().get(3).failures()).singleElement().asString()
        .contains("not run: unresolved [${other}]");
    assertThat(cloud.log()).containsExactly("snapshot.save u-1 base memory=true",
        "snapshot.list u-1");
  }

  @Test
  void parametersMustBeAnObject() throws Exception {
    Path file = scenario("{\"command\":\"PowerCycle\",\"context\":CTX,\"parameters\":[\"1\"]}");
    assertThatThrownBy(() -> new ScenarioLoader().load(file))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("parameters must be an object of NAME: VALUE");
  }
}
