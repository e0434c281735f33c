package dev.hangar.driver.openstack;

import dev.hangar.driver.BackendException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openstack4j.model.common.ActionResponse;
import org.openstack4j.model.network.Network;
import org.openstack4j.model.network.Router;
import org.openstack4j.model.network.SecurityGroup;
import org.openstack4j.model.network.SecurityGroupRule;

/**
 * Neutron calls the L3 sandbox classes share: exact-name lookups (Neutron's name filter is
 * exact; the lowest id wins should a race have made two), deletes where "already gone" is
 * success, and rules where "already there" is.
 */
final class Neutron {
  private Neutron() {}

  /** The object named {@code name} among {@code found} (a name-filtered list), or null. */
  static Network byName(List<? extends Network> found, String name) {
    return found.stream().filter(n -> name.equals(n.getName()))
        .min(Comparator.comparing(Network::getId)).orElse(null);
  }

  /** The project's routers (openstack4j lists them without filters). */
  static List<? extends Router> routers(OsSession s) {
    return s.call("list routers", () -> s.os().networking().router().list());
  }

  /** The security group named {@code name}, or null. */
  static SecurityGroup group(OsSession s, String name) {
    return s.call("find security group " + name, () -> s.os().networking().securitygroup()
        .list(Map.of("name", name))).stream().filter(g -> name.equals(g.getName()))
        .min(Comparator.comparing(SecurityGroup::getId)).orElse(null);
  }

  /** Adds a rule; one that exists already (409) is success. */
  static void addRule(OsSession s, String what, SecurityGroupRule rule) {
    try {
      s.os().networking().securityrule().create(rule);
    } catch (RuntimeException e) {
      if (!OsSession.isClientError(e, 409)) {
        throw s.wrap(what, e);
      }
    }
  }

  /** Runs a delete; returns false when the object was already gone. */
  static boolean delete(OsSession s, String what, Supplier<ActionResponse> call) {
    return s.action(what, true, call);
  }

  /**
   * Takes a subnet (or a port, when {@code portId} is given) off a router; a router, subnet or
   * interface already gone is success.
   */
  static boolean detach(OsSession s, String routerId, String subnetId, String portId) {
    try {
      s.os().networking().router().detachInterface(routerId, subnetId, portId);
      return true;
    } catch (RuntimeException e) {
      if (OsSession.isClientError(e, 404)) {
        return false;
      }
      throw s.wrap("take " + (portId != null ? "port " + portId : "subnet " + subnetId)
          + " off router " + routerId, e);
    }
  }

  /** An error for an answer that lacks what it should hold. */
  static BackendException missing(String what) {
    return BackendException.failed(what + ": OpenStack answered nothing", null);
  }
}
