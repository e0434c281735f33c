package dev.hangar.datamodel.result;

import dev.hangar.datamodel.request.CleanupNetwork;
import dev.hangar.datamodel.request.ConnectSubnet;
import dev.hangar.datamodel.request.CreateKeys;
import dev.hangar.datamodel.request.DeleteSavedApp;
import dev.hangar.datamodel.request.DeployApp;
import dev.hangar.datamodel.request.PrepareCloudInfra;
import dev.hangar.datamodel.request.PrepareSubnet;
import dev.hangar.datamodel.request.RemoveVlan;
import dev.hangar.datamodel.request.SaveApp;
import dev.hangar.datamodel.request.SetVlan;

/** Builds results that the standard pairs with each action type. */
public final class ActionResults {
  private ActionResults() {}

  /** The result {@code type} for an action {@code type}; an unknown action type is echoed. */
  public static String resultType(String actionType) {
    if (actionType == null) {
      return "";
    }
    return switch (actionType) {
      case DeployApp.TYPE -> ResultTypes.DEPLOY_APP;
      case ConnectSubnet.TYPE -> ResultTypes.CONNECT_TO_SUBNET;
      case PrepareCloudInfra.TYPE -> ResultTypes.PREPARE_NETWORK;
      case PrepareSubnet.TYPE -> ResultTypes.PREPARE_SUBNET;
      case CreateKeys.TYPE -> ResultTypes.CREATE_KEYS;
      case CleanupNetwork.TYPE -> ResultTypes.CLEANUP_NETWORK;
      case SetVlan.TYPE -> ResultTypes.SET_VLAN;
      case RemoveVlan.TYPE -> ResultTypes.REMOVE_VLAN;
      case SaveApp.TYPE, "saveApp" -> ResultTypes.SAVE_APP;
      case DeleteSavedApp.TYPE, "deleteSavedApp" -> ResultTypes.DELETE_SAVED_APP;
      default -> actionType;
    };
  }

  /** A failed result of the type paired with {@code actionType}, with all its fields present. */
  public static ActionResult failure(String actionId, String actionType, String errorMessage) {
    String id = actionId == null ? "" : actionId;
    String type = resultType(actionType);
    return switch (type) {
      case ResultTypes.DEPLOY_APP -> DeployAppResult.failure(id, errorMessage);
      case ResultTypes.CONNECT_TO_SUBNET -> new ConnectToSubnetResult(id, false, "", errorMessage,
          "");
      case ResultTypes.PREPARE_NETWORK -> new PrepareNetworkResult(id, false, "", errorMessage, "",
          "");
      case ResultTypes.PREPARE_SUBNET -> new PrepareSubnetResult(id, false, "", errorMessage, "");
      case ResultTypes.CREATE_KEYS -> new CreateKeysResult(id, false, "", errorMessage, "");
      case ResultTypes.CLEANUP_NETWORK -> new CleanupNetworkResult(id, false, "", errorMessage);
      case ResultTypes.SAVE_APP -> SaveAppResult.failure(id, errorMessage);
      case ResultTypes.DELETE_SAVED_APP -> new DeleteSavedAppResult(id, false, "", errorMessage);
      case ResultTypes.SET_VLAN, ResultTypes.REMOVE_VLAN -> new VlanResult(type, id, false, "",
          errorMessage, "");
      default -> new GenericResult(type, id, false, "", errorMessage);
    };
  }
}
