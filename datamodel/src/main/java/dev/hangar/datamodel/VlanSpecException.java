package dev.hangar.datamodel;

/** A VLAN id specification that cannot be used; the message says why. */
public final class VlanSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public VlanSpecException(String message) {
    super(message);
  }
}
