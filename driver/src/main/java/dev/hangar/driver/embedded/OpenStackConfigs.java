package dev.hangar.driver.embedded;

import java.nio.file.Path;

/**
 * The configuration files of {@link PrivateOpenStack}'s services, for its ports and its private
 * dir. Every service runs as the Keystone admin (one project), on 127.0.0.1, one worker each.
 */
final class OpenStackConfigs {
  static final String HOST = "127.0.0.1";
  /** The compute host nova-compute registers (the fake virt driver's only hypervisor). */
  static final String COMPUTE_HOST = "compute1";
  /** The provider physical network and its VLAN range, as ML2 knows them. */
  static final String PHYSNET = "physnet1";
  static final int VLAN_MIN = 1000;
  static final int VLAN_MAX = 2999;

  /** The ports of one stack, all on 127.0.0.1. */
  record Ports(int keystone, int glance, int placement, int nova, int neutron, int rabbit,
      int epmd, int rabbitDist, int postgres) {
    int[] all() {
      return new int[] {keystone, glance, placement, nova, neutron, rabbit, epmd, rabbitDist,
          postgres};
    }
  }

  private final Path dir;
  private final Ports ports;
  private final String password;

  OpenStackConfigs(Path dir, Ports ports, String password) {
    this.dir = dir;
    this.ports = ports;
    this.password = password;
  }

  String db(String name) {
    return "postgresql+psycopg2://postgres@" + HOST + ":" + ports.postgres() + "/" + name;
  }

  private String rabbitUrl() {
    return "rabbit://guest:guest@" + HOST + ":" + ports.rabbit() + "/";
  }

  /** The service-user block of every [keystone_authtoken]-like section. */
  private String serviceAuth() {
    return """
        www_authenticate_uri = http://%1$s:%2$d
        auth_url = http://%1$s:%2$d
        memcached_servers =
        auth_type = password
        project_domain_name = Default
        user_domain_name = Default
        project_name = admin
        username = admin
        password = %3$s
        region_name = RegionOne
        """.formatted(HOST, ports.keystone(), password);
  }

  String keystone() {
    return """
        [DEFAULT]
        log_dir =
        [database]
        connection = %s
        [token]
        provider = fernet
        [fernet_tokens]
        key_repository = %s
        [credential]
        key_repository = %s
        """.formatted(db("keystone"), dir.resolve("keystone/fernet-keys"),
        dir.resolve("keystone/credential-keys"));
  }

  String glance() {
    return """
        [DEFAULT]
        bind_host = %s
        bind_port = %d
        workers = 1
        graceful_shutdown_timeout = 5
        node_staging_uri = file://%s
        [database]
        connection = %s
        [paste_deploy]
        flavor = keystone
        config_file = %s
        [glance_store]
        stores = file,http
        default_store = file
        filesystem_store_datadir = %s
        [oslo_concurrency]
        lock_path = %s
        [keystone_authtoken]
        %s""".formatted(HOST, ports.glance(), dir.resolve("glance/staging"), db("glance"),
        dir.resolve("glance/glance-api-paste.ini"), dir.resolve("glance/images"),
        dir.resolve("glance"), serviceAuth());
  }

  String placement() {
    return """
        [placement_database]
        connection = %s
        [api]
        auth_strategy = keystone
        [keystone_authtoken]
        %s""".formatted(db("placement"), serviceAuth());
  }

  /** nova.conf; {@code withDatabase} false for nova-compute, which reaches it only by RPC. */
  String nova(boolean withDatabase) {
    String databases = !withDatabase ? "" : """
        [api_database]
        connection = %s
        [database]
        connection = %s
        """.formatted(db("nova_api"), db("nova_cell1"));
    String auth = serviceAuth();
    // No quotas: the benchmark boots 20 servers at a time.
    // periodic_fuzzy_delay 0: periodic tasks (the scheduler maps new compute hosts every 2 s)
    // start at once, not after a random 0-60 s. The compute driver is the fake one with data
    // in its snapshots (nova_compute.py); resizes stay on the one compute host.
    return """
        [DEFAULT]
        host = %s
        my_ip = %s
        state_path = %s
        instances_path = %s
        transport_url = %s
        compute_driver = hangar_fake.SnapshotFakeDriver
        allow_resize_to_same_host = True
        enabled_apis = osapi_compute
        osapi_compute_listen = %s
        osapi_compute_listen_port = %d
        osapi_compute_workers = 1
        graceful_shutdown_timeout = 5
        periodic_fuzzy_delay = 0
        [api]
        auth_strategy = keystone
        [wsgi]
        api_paste_config = %s
        %s[conductor]
        workers = 1
        [scheduler]
        workers = 1
        discover_hosts_in_cells_interval = 2
        [oslo_concurrency]
        lock_path = %s
        [oslo_messaging_notifications]
        driver = noop
        [keystone_authtoken]
        %s[service_user]
        send_service_user_token = true
        %s[placement]
        %s[neutron]
        %s[glance]
        region_name = RegionOne
        [cinder]
        os_region_name = RegionOne
        [os_vif_ovs]
        ovsdb_connection = tcp:127.0.0.1:1
        [quota]
        instances = -1
        cores = -1
        ram = -1
        """.formatted(COMPUTE_HOST, HOST, dir.resolve("nova"), dir.resolve("nova/instances"),
        rabbitUrl(), HOST, ports.nova(), dir.resolve("nova/api-paste.ini"), databases,
        dir.resolve("nova/lock"), auth, auth, auth, auth);
  }

  String neutron() {
    // agent_down_time: the one state report of report_agent.py must keep the agent alive.
    return """
        [DEFAULT]
        bind_host = %s
        bind_port = %d
        core_plugin = ml2
        service_plugins = router,trunk
        global_physnet_mtu = 1550
        auth_strategy = keystone
        transport_url = %s
        api_workers = 1
        rpc_workers = 1
        rpc_state_report_workers = 0
        agent_down_time = 2000000000
        graceful_shutdown_timeout = 5
        notify_nova_on_port_status_changes = true
        notify_nova_on_port_data_changes = true
        state_path = %s
        api_paste_config = %s
        [database]
        connection = %s
        [oslo_concurrency]
        lock_path = %s
        [oslo_messaging_notifications]
        driver = noop
        [keystone_authtoken]
        %s[nova]
        %s[agent]
        report_interval = 30
        """.formatted(HOST, ports.neutron(), rabbitUrl(), dir.resolve("neutron"),
        dir.resolve("neutron/api-paste.ini"), db("neutron"), dir.resolve("neutron/lock"),
        serviceAuth(), serviceAuth());
  }

  /**
   * ML2: vlan networks on {@link #PHYSNET} (MTU 1500) and vxlan networks, whose MTU is the
   * global 1550 less the 50 of the VXLAN header, also 1500: a trunk's parent port may sit on a
   * project (vxlan) network only when its MTU is no less than its subports' vlan networks'.
   */
  String ml2() {
    return """
        [ml2]
        type_drivers = flat,vlan,vxlan
        tenant_network_types = vxlan
        mechanism_drivers = openvswitch
        extension_drivers = port_security
        physical_network_mtus = %1$s:1500
        [ml2_type_flat]
        flat_networks = %1$s
        [ml2_type_vlan]
        network_vlan_ranges = %1$s:%2$d:%3$d
        [ml2_type_vxlan]
        vni_ranges = 1:10000
        [securitygroup]
        enable_security_group = true
        """.formatted(PHYSNET, VLAN_MIN, VLAN_MAX);
  }

  String rabbit() {
    return """
        listeners.tcp.1 = %s:%d
        loopback_users = none
        log.file.level = warning
        """.formatted(HOST, ports.rabbit());
  }
}
