package dev.hangar.datamodel.app;

import java.util.List;

/**
 * One entry of the SetAppSecurityGroups request (a bare array): the inbound rules to open on a
 * deployed app, per subnet.
 */
public record AppSecurityGroups(
    DeployedApp deployedApp, List<SecurityGroupConfiguration> securityGroupsConfigurations) {
  public AppSecurityGroups {
    securityGroupsConfigurations =
        securityGroupsConfigurations == null ? List.of() : securityGroupsConfigurations;
  }

  /** The rules for the app's vNIC on one subnet. */
  public record SecurityGroupConfiguration(String subnetId, List<Rule> rules) {
    public SecurityGroupConfiguration {
      rules = rules == null ? List.of() : rules;
    }
  }

  /** An inbound rule; {@code source} is a CIDR, {@code protocol} tcp/udp/icmp. */
  public record Rule(String fromPort, String toPort, String protocol, String source) {}
}
