package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import dev.hangar.proto.v1.CloudProviderProto;
import dev.hangar.testing.Samples;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoContractTest {
  @Test
  void theServiceHasOneRpcPerCommandOfTheStandard() {
    Descriptors.ServiceDescriptor service =
        CloudProviderProto.getDescriptor().findServiceByName("CloudProvider");
    // Plan is not a command: it answers what one would do.
    assertThat(service.getMethods().stream().filter(m -> !m.isClientStreaming())
        .filter(m -> !m.getName().equals("Plan")))
        .extracting(Descriptors.MethodDescriptor::getName)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Command.values()).map(Command::rpcName).toList());
    // And RunCommand, any of them (or a plan) with its callbacks on the caller's stream.
    Descriptors.MethodDescriptor run = service.findMethodByName("RunCommand");
    assertThat(run.isClientStreaming() && run.isServerStreaming()).isTrue();
    assertThat(service.getMethods()).hasSize(Command.values().length + 2);
    assertThat(dev.hangar.proto.v1.CommandCall.getDescriptor().getOneofs().get(0).getFields())
        .hasSize(Command.values().length + 1);
    assertThat(dev.hangar.proto.v1.CommandCall.getDescriptor().findFieldByName("plan")
        .getNumber()).isEqualTo(23);
    assertThat(service.findMethodByName("Plan").getOutputType().getName())
        .isEqualTo("CommandResponse");
    assertThat(CloudProviderProto.getDescriptor().getPackage()).isEqualTo("hangar.v1");
  }

  @Test
  void theCallbackServiceHasTheOrchestratorApi() {
    assertThat(CloudProviderProto.getDescriptor().findServiceByName("OrchestratorCallbacks")
        .getMethods()).extracting(Descriptors.MethodDescriptor::getName)
        .containsExactlyInAnyOrder("UpdateResourceAddress", "SetAttributeValue",
            "WriteMessageToReservationOutput", "DecryptPassword", "SetResourceLiveStatus");
  }

  @Test
  void everyRpcIsDocumentedForItsUsersAndTheEvolutionRulesAreWritten() throws Exception {
    List<String> lines = Files.readAllLines(Samples.home().resolve(
        "proto/src/main/proto/hangar/v1/cloud_provider.proto"));
    List<String> undocumented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("rpc ") && !lines.get(i - 1).strip().startsWith("//")) {
        undocumented.add(line);
      }
    }
    assertThat(undocumented).isEmpty();
    assertThat(String.join("\n", lines)).contains("Evolution rules")
        .contains("never renumber, retype or reuse a field number");
  }
}
