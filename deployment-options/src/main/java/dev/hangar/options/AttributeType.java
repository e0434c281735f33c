package dev.hangar.options;

/** The type of an attribute as the shell package declares it. */
public enum AttributeType {
  STRING("string"),
  NUMERIC("integer"),
  BOOLEAN("boolean"),
  /** Encrypted by the platform; read only through the orchestrator's DecryptPassword. */
  PASSWORD("cloudshell.datatypes.Password");

  private final String tosca;

  AttributeType(String tosca) {
    this.tosca = tosca;
  }

  /** The TOSCA type name in shell-definition.yaml. */
  public String tosca() {
    return tosca;
  }
}
