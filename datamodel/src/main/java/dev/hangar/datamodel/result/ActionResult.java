package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.hangar.datamodel.internal.ActionResultDeserializer;

/**
 * One entry of {@code driverResponse.actionResults}. Every result echoes its action's id and
 * carries the exact {@code type} string servers expect ({@code DeployApp}, {@code ConnectToSubnet},
 * {@code PrepareNetwork}, {@code PrepareSubnet}, {@code CreateKeys}, {@code CleanupNetwork},
 * {@code setVlan}, {@code removeVlan}, {@code SaveApp}, {@code DeleteSavedApp}).
 */
@JsonDeserialize(using = ActionResultDeserializer.class)
public sealed interface ActionResult
    permits DeployAppResult, ConnectToSubnetResult, PrepareNetworkResult, PrepareSubnetResult,
        CreateKeysResult, CleanupNetworkResult, VlanResult, SaveAppResult, DeleteSavedAppResult,
        GenericResult {

  @JsonProperty("type")
  String type();

  String actionId();

  boolean success();

  String infoMessage();

  String errorMessage();
}
