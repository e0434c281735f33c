package dev.hangar.driver.openstack;

import dev.hangar.datamodel.context.AutoLoadDetails;
import dev.hangar.driver.ClientException;
import dev.hangar.driver.HangarException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.network.Network;

/**
 * get_inventory on OpenStack: logs in (Keystone URL, domain, project, user, password), then
 * checks each attribute against the live cloud: the region has compute and network endpoints,
 * the management and external networks exist (the external one with router:external), the
 * default flavor exists, and Neutron takes a network of the VLAN Type on the Physical Network
 * ({@link SegmentProbe}); with Networking type L3 the External Network is required (every
 * sandbox router's gateway). Every problem found is named in one message.
 */
final class OpenStackInventory {
  private final OsSession s;
  private final boolean l3;

  OpenStackInventory(OsSession s, boolean l3) {
    this.s = s;
    this.l3 = l3;
  }

  AutoLoadDetails validate() {
    OpenStackSettings st = s.settings();
    s.projectId(); // the login: a refusal names the credential attributes
    List<String> problems = new ArrayList<>();
    if (!st.region().isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (String type : List.of("compute", "network", "image")) {
        if (!hasEndpoint(type, st.region())) {
          missing.add(type);
        }
      }
      if (!missing.isEmpty()) {
        problems.add("attribute 'Region': the catalog has no " + String.join(", ", missing)
            + " endpoint in region '" + st.region() + "'");
        throw new ClientException(message(problems));
      }
    }
    Resolver names = new Resolver(s);
    check(problems, () -> {
      Network mgmt = names.networkObject(st.managementNetwork(), "Management Network");
      if (mgmt.getSubnets() == null || mgmt.getSubnets().isEmpty()) {
        throw new ClientException("attribute 'Management Network': network '"
            + st.managementNetwork() + "' has no subnet, so servers would get no address");
      }
    });
    if (l3 && st.externalNetwork().isEmpty()) {
      problems.add("attribute 'External Network' is empty; with Networking type L3 it is the"
          + " gateway of every sandbox router: name the external network (router:external)");
    }
    if (!st.externalNetwork().isEmpty()) {
      check(problems, () -> {
        Network ext = names.networkObject(st.externalNetwork(), "External Network");
        if (!ext.isRouterExternal()) {
          throw new ClientException("attribute 'External Network': network '"
              + st.externalNetwork() + "' is not external (router:external is false)");
        }
      });
    }
    if (!st.flavor().isEmpty()) {
      check(problems, () -> names.flavor(st.flavor()));
    }
    check(problems, () -> new SegmentProbe(s).check());
    if (!problems.isEmpty()) {
      throw new ClientException(message(problems));
    }
    return AutoLoadDetails.empty();
  }

  private String message(List<String> problems) {
    return "cloud provider '" + s.settings().providerName() + "' is not usable: "
        + String.join("; ", problems);
  }

  private boolean hasEndpoint(String type, String region) {
    for (Service svc : s.call("read the catalog", () -> s.os().getToken().getCatalog())) {
      if (type.equals(svc.getType())) {
        for (Endpoint e : svc.getEndpoints()) {
          if (region.equals(e.getRegion()) || region.equals(e.getRegionId())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Runs one check; a user-facing problem is collected, an outage ends validation. */
  private static void check(List<String> problems, Runnable check) {
    try {
      check.run();
    } catch (ClientException e) {
      problems.add(e.getMessage());
    } catch (HangarException e) {
      throw e;
    }
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
