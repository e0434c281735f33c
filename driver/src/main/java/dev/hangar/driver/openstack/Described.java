package dev.hangar.driver.openstack;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRootName;
import org.openstack4j.model.network.builder.NetworkBuilder;
import org.openstack4j.model.network.builder.RouterBuilder;
import org.openstack4j.model.network.builder.SubnetBuilder;
import org.openstack4j.openstack.networking.domain.NeutronNetwork;
import org.openstack4j.openstack.networking.domain.NeutronRouter;
import org.openstack4j.openstack.networking.domain.NeutronSubnet;

/**
 * Builders of Neutron networks, subnets and routers that carry a description in their create
 * call. Neutron takes a description on every one of them, but openstack4j 3.12's models lack
 * the field: these subclasses add it, and each model's {@code toBuilder()} fills the very
 * instance it is called on, so the builder's {@code build()} answers the subclass. openstack4j
 * wraps a body in its root name only when the class itself carries {@link JsonRootName}, hence
 * the annotation on each. Ports cannot be done so: openstack4j copies a port into its own
 * create model, field by field; Hangar's ports carry their name mark only ({@link
 * OpenStackReaper} finds them on the sandbox's marked networks).
 */
final class Described {
  private Described() {}

  static NetworkBuilder network(String description) {
    return new Net(description).toBuilder();
  }

  static SubnetBuilder subnet(String description) {
    return new Sub(description).toBuilder();
  }

  static RouterBuilder router(String description) {
    return new Rtr(description).toBuilder();
  }


  @JsonRootName("network")
  static final class Net extends NeutronNetwork {
    private static final long serialVersionUID = 1L;
    @JsonProperty("description")
    private final String description;

    Net(String description) {
      this.description = description;
    }
  }

  @JsonRootName("subnet")
  static final class Sub extends NeutronSubnet {
    private static final long serialVersionUID = 1L;
    @JsonProperty("description")
    private final String description;

    Sub(String description) {
      this.description = description;
    }
  }

  @JsonRootName("router")
  static final class Rtr extends NeutronRouter {
    private static final long serialVersionUID = 1L;
    @JsonProperty("description")
    private final String description;

    Rtr(String description) {
      this.description = description;
    }
  }
}
