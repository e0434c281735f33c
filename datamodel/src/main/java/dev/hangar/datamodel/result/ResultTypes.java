package dev.hangar.datamodel.result;

/** The exact result {@code type} strings of the standard. */
public final class ResultTypes {
  public static final String DEPLOY_APP = "DeployApp";
  public static final String CONNECT_TO_SUBNET = "ConnectToSubnet";
  public static final String PREPARE_NETWORK = "PrepareNetwork";
  public static final String PREPARE_SUBNET = "PrepareSubnet";
  public static final String CREATE_KEYS = "CreateKeys";
  public static final String CLEANUP_NETWORK = "CleanupNetwork";
  public static final String SET_VLAN = "setVlan";
  public static final String REMOVE_VLAN = "removeVlan";
  public static final String SAVE_APP = "SaveApp";
  public static final String DELETE_SAVED_APP = "DeleteSavedApp";
  /** validate_attributes' answer (not inside a driverResponse). */
  public static final String VALIDATE_ATTRIBUTES = "ValidateAttributes";

  private ResultTypes() {}
}
