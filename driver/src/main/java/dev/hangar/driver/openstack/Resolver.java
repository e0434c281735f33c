package dev.hangar.driver.openstack;

import dev.hangar.driver.ClientException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openstack4j.model.compute.Flavor;
import org.openstack4j.model.image.v2.Image;
import org.openstack4j.model.network.Network;

/** Finds images, flavors and networks by name or id, with a clear error when none or two. */
final class Resolver {
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private final OsSession s;

  Resolver(OsSession s) {
    this.s = s;
  }

  /** The Glance image id of {@code nameOrId}. */
  String image(String nameOrId) {
    if (UUID.matcher(nameOrId).matches()) {
      Image byId = s.call("read image " + nameOrId, () -> s.os().imagesV2().get(nameOrId));
      if (byId != null) {
        return byId.getId();
      }
    }
    List<? extends Image> named = s.call("find image " + nameOrId, () -> s.os().imagesV2()
        .list(Map.of("name", nameOrId)));
    return one(named.stream().map(Image::getId).toList(), "image", nameOrId, "Image");
  }

  /** The Nova flavor id of {@code nameOrId}. */
  String flavor(String nameOrId) {
    List<? extends Flavor> all = s.call("list flavors", () -> s.os().compute().flavors()
        .list());
    for (Flavor f : all) {
      if (f.getId().equals(nameOrId)) {
        return f.getId();
      }
    }
    return one(all.stream().filter(f -> nameOrId.equals(f.getName())).map(Flavor::getId)
        .toList(), "flavor", nameOrId, "Flavor");
  }

  /** The Neutron network id of {@code nameOrId}; {@code attribute} names where it was set. */
  String network(String nameOrId, String attribute) {
    return networkObject(nameOrId, attribute).getId();
  }

  Network networkObject(String nameOrId, String attribute) {
    if (UUID.matcher(nameOrId).matches()) {
      Network byId = s.call("read network " + nameOrId, () -> s.os().networking().network()
          .get(nameOrId));
      if (byId != null) {
        return byId;
      }
    }
    List<? extends Network> named = s.call("find network " + nameOrId, () -> s.os()
        .networking().network().list(Map.of("name", nameOrId)));
    String id = one(named.stream().map(Network::getId).toList(), "network", nameOrId,
        attribute);
    return named.stream().filter(n -> n.getId().equals(id)).findFirst().orElseThrow();
  }

  private static String one(List<String> ids, String kind, String nameOrId, String attribute) {
    if (ids.isEmpty()) {
      throw new ClientException("OpenStack has no " + kind + " '" + nameOrId + "' (attribute '"
          + attribute + "'): give the name or id of an existing " + kind);
    }
    if (ids.size() > 1) {
      throw new ClientException("OpenStack has " + ids.size() + " " + kind + "s named '"
          + nameOrId + "' (attribute '" + attribute + "'): give its id instead");
    }
    return ids.get(0);
  }
}
