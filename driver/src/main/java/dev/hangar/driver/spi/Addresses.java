package dev.hangar.driver.spi;

/** A VM's addresses; either may be empty. */
public record Addresses(String privateIp, String publicIp) {
  public Addresses {
    privateIp = privateIp == null ? "" : privateIp;
    publicIp = publicIp == null ? "" : publicIp;
  }
}
