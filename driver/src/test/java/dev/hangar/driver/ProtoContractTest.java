package dev.hangar.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import dev.hangar.proto.v1.CloudProviderProto;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProtoContractTest {
  @Test
  void theServiceHasOneRpcPerCommandOfTheStandard() {
    Descriptors.ServiceDescriptor service =
        CloudProviderProto.getDescriptor().findServiceByName("CloudProvider");
    assertThat(service.getMethods()).extracting(Descriptors.MethodDescriptor::getName)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(Command.values()).map(Command::rpcName).toList());
    assertThat(CloudProviderProto.getDescriptor().getPackage()).isEqualTo("hangar.v1");
  }

  @Test
  void theCallbackServiceHasTheOrchestratorApi() {
    assertThat(CloudProviderProto.getDescriptor().findServiceByName("OrchestratorCallbacks")
        .getMethods()).extracting(Descriptors.MethodDescriptor::getName)
        .containsExactlyInAnyOrder("UpdateResourceAddress", "SetAttributeValue",
            "WriteMessageToReservationOutput", "DecryptPassword", "SetResourceLiveStatus");
  }
}
