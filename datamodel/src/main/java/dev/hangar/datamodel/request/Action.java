package dev.hangar.datamodel.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.ActionDeserializer;
import java.util.List;

/**
 * One action of a {@code driverRequest}. The {@code type} tag selects the record; an action whose
 * type is unknown or whose structure is broken reads as {@link UnrecognizedAction} so that it gets
 * its own error result instead of sinking the request.
 */
@JsonDeserialize(using = ActionDeserializer.class)
public sealed interface Action
    permits DeployApp, ConnectSubnet, PrepareCloudInfra, PrepareSubnet, CreateKeys,
        CleanupNetwork, VlanAction, SaveApp, DeleteSavedApp, UnrecognizedAction {

  /** The id the result must echo; null when the sender left it out. */
  String actionId();

  /** The wire {@code type} tag. */
  @JsonProperty("type")
  String type();

  ActionTarget actionTarget();

  List<Attribute> customActionAttributes();

  /** The value of a custom action attribute ({@code VM_UUID}, {@code Vnic Name}, ...), or null. */
  @JsonIgnore
  default String customAttribute(String name) {
    return Attributes.find(customActionAttributes(), name);
  }
}
