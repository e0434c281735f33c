package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.hangar.datamodel.WireCodec;
import dev.hangar.datamodel.context.CommandContext;
import dev.hangar.driver.Command;
import dev.hangar.proto.v1.AppContext;
import dev.hangar.proto.v1.AutoLoadCommandContext;
import dev.hangar.proto.v1.ConnectivityContext;
import dev.hangar.proto.v1.Connector;
import dev.hangar.proto.v1.ReservationContextDetails;
import dev.hangar.proto.v1.ResourceCommandContext;
import dev.hangar.proto.v1.ResourceContextDetails;
import dev.hangar.proto.v1.ResourceRemoteCommandContext;
import dev.hangar.replay.Variables;
import dev.hangar.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The typed context messages and the driver's context JSON, both ways. */
class ContextMessagesTest {
  private static final WireCodec CODEC = WireCodec.standard();
  private static final ObjectMapper MAPPER = CODEC.mapper();

  @Test
  void theMessagesHaveTheFieldsOfTheDriverContextClasses() {
    Map<Class<?>, Descriptor> pairs = Map.of(
        dev.hangar.datamodel.context.ConnectivityContext.class, ConnectivityContext.getDescriptor(),
        dev.hangar.datamodel.context.ReservationContextDetails.class,
        ReservationContextDetails.getDescriptor(),
        dev.hangar.datamodel.context.AppContext.class, AppContext.getDescriptor(),
        dev.hangar.datamodel.context.ResourceContextDetails.class,
        ResourceContextDetails.getDescriptor(),
        dev.hangar.datamodel.context.Connector.class, Connector.getDescriptor(),
        dev.hangar.datamodel.context.ResourceCommandContext.class,
        ResourceCommandContext.getDescriptor(),
        dev.hangar.datamodel.context.ResourceRemoteCommandContext.class,
        ResourceRemoteCommandContext.getDescriptor(),
        dev.hangar.datamodel.context.AutoLoadCommandContext.class,
        AutoLoadCommandContext.getDescriptor());
    pairs.forEach((type, message) -> {
      List<String> json = MAPPER.getSerializationConfig().introspect(MAPPER.constructType(type))
          .findProperties().stream().map(BeanPropertyDefinition::getName).toList();
      assertThat(message.getFields()).extracting(FieldDescriptor::getName).as(type.getName())
          .containsExactlyInAnyOrderElementsOf(json);
    });
  }

  @Test
  void jsonBecomesTheMessageAsLenientlyAsTheDriverReadsIt() {
    JsonNode json = CODEC.readTree("{\"connectivity\":{\"server_address\":\"10.0.0.1\","
        + "\"use_webapi_endpoint\":\"True\",\"unknown\":1},\"resource\":{\"name\":\"hv\","
        + "\"attributes\":{\"Wait\":true,\"Timeout\":600,\"Empty\":null},\"app_context\":{"
        + "\"app_request_json\":{\"name\":\"web\"},\"deployed_app_json\":\"\"}},"
        + "\"remote_endpoints\":[{\"name\":\"web\"}],\"remote_reservation\":null}", "context");

    ResourceRemoteCommandContext m = ContextMessages.fromJson(json,
        ResourceRemoteCommandContext.newBuilder(), "context").build();

    assertThat(m.getConnectivity().getUseWebapiEndpoint()).isTrue();
    assertThat(m.getResource().getAttributesMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Wait", "true", "Timeout", "600", "Empty", ""));
    assertThat(m.getResource().getAppContext().getAppRequestJson())
        .isEqualTo("{\"name\":\"web\"}");
    assertThat(m.hasRemoteReservation()).isFalse();
    assertThat(m.getRemoteEndpoints(0).getName()).isEqualTo("web");

    var back = CODEC.convert(ContextMessages.toJson(m),
        dev.hangar.datamodel.context.ResourceRemoteCommandContext.class, "context");
    assertThat(back.resource().appContext().appRequestJson().name()).isEqualTo("web");
    assertThat(back.resource().appContext().deployedAppJson()).isNull();
    assertThat(back.remoteReservation()).isNull();
    assertThat(back.resource().attribute("Timeout")).isEqualTo("600");
  }

  @Test
  void aValueOfTheWrongShapeSaysWhere() {
    assertThatThrownBy(() -> ContextMessages.fromJson(CODEC.readTree(
        "{\"resource\":{\"attributes\":[]}}", "c"), ResourceCommandContext.newBuilder(),
        "context")).hasMessage("context.resource.attributes must be a JSON object of names and"
        + " values");
    assertThatThrownBy(() -> ContextMessages.fromJson(CODEC.readTree("{\"connectors\":{}}", "c"),
        ResourceCommandContext.newBuilder(), "context"))
        .hasMessage("context.connectors must be a JSON array");
    assertThatThrownBy(() -> ContextMessages.fromJson(CODEC.readTree("[]", "c"),
        ResourceCommandContext.newBuilder(), "context"))
        .hasMessage("context must be a JSON object");
  }

  @Test
  void everySampleContextReadsTheSameThroughTheMessage() throws Exception {
    try (Stream<Path> files = Files.list(Samples.dir().resolve("contexts"))) {
      for (Path f : files.sorted().toList()) {
        JsonNode json = Variables.substitute(CODEC.readTree(Files.readString(f), "context"),
            Map.of(), MAPPER).node();
        Command command = json.has("remote_endpoints") ? Command.POWER_ON
            : json.has("reservation") ? Command.DEPLOY : Command.GET_INVENTORY;
        var builder = switch (command) {
          case POWER_ON -> ResourceRemoteCommandContext.newBuilder();
          case DEPLOY -> ResourceCommandContext.newBuilder();
          default -> AutoLoadCommandContext.newBuilder();
        };
        CommandContext direct = CODEC.convert(json, command.contextType(), "context");
        CommandContext viaProto = CODEC.convert(ContextMessages.toJson(
            ContextMessages.fromJson(json, builder, "context")), command.contextType(),
            "context");
        assertThat(withoutEmpty(MAPPER.valueToTree(viaProto))).as(f.getFileName().toString())
            .isEqualTo(withoutEmpty(MAPPER.valueToTree(direct)));
      }
    }
  }

  /** The tree without null and "" values: proto3 cannot tell a missing string from "". */
  private static JsonNode withoutEmpty(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull() || (e.getValue().isTextual() && e.getValue().asText().isEmpty())
            || (e.getValue().isBoolean() && !e.getValue().asBoolean())) {
          it.remove();
        } else {
          withoutEmpty(e.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(ContextMessagesTest::withoutEmpty);
    }
    return node;
  }

  @Test
  void theLogCountsTheActionsOfEachRequestShape() {
    assertThat(ActionCount.of("{\"driverRequest\":{\"x\":[1,2],\"actions\":[{\"a\":[1,2]},{},"
        + "{}]}}")).isEqualTo(3);
    assertThat(ActionCount.of("{\"items\":[{},{}]}")).isEqualTo(2);
    assertThat(ActionCount.of("[{},{},{},{}]")).isEqualTo(4);
    assertThat(ActionCount.of("{\"driverRequest\":")).isZero();
    assertThat(ActionCount.of(null)).isZero();
  }
}
