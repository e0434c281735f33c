package dev.hangar.datamodel.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code CreateKeys}; {@code accessKey} is the sandbox's private key, a secret: never log it. */
@JsonPropertyOrder({"type", "actionId", "success", "infoMessage", "errorMessage", "accessKey"})
@com.fasterxml.jackson.databind.annotation.JsonDeserialize(
    using = com.fasterxml.jackson.databind.JsonDeserializer.None.class)
public record CreateKeysResult(
    String actionId, boolean success, String infoMessage, String errorMessage, String accessKey)
    implements ActionResult {
  public CreateKeysResult {
    infoMessage = infoMessage == null ? "" : infoMessage;
    errorMessage = errorMessage == null ? "" : errorMessage;
  }

  @Override
  public String type() {
    return ResultTypes.CREATE_KEYS;
  }

  @Override
  public String toString() {
    return "CreateKeysResult[actionId=" + actionId + ", success=" + success + ", accessKey="
        + (accessKey == null || accessKey.isEmpty() ? "" : "***") + "]";
  }
}
