package dev.hangar.datamodel.result;

/** One entry of the SetAppSecurityGroups response (a bare array): per app, not per action. */
public record SecurityGroupResult(String appName, boolean success, String error) {
  public SecurityGroupResult {
    error = error == null ? "" : error;
  }
}
