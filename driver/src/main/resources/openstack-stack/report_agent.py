"""report_agent.py NEUTRON_CONF HOST -- register an Open vSwitch agent for HOST, once.

No Neutron agent runs in the test stack. ML2's openvswitch mechanism driver binds a port only to
a host with a live agent of its type, so one state report over RPC stands in for it (the
server's agent_down_time is set so that the agent never goes stale).
"""
import sys

from neutron.agent import rpc as agent_rpc
from neutron.common import config as common_config
from neutron.conf.agent import common as agent_config
from neutron_lib import context
from neutron_lib import rpc as n_rpc
from neutron_lib.agent import topics
from oslo_config import cfg


def main():
    conf_file, host = sys.argv[1], sys.argv[2]
    common_config.register_common_config_options()
    agent_config.register_agent_state_opts_helper(cfg.CONF)
    cfg.CONF(["--config-file", conf_file], project="neutron")
    n_rpc.init(cfg.CONF)
    state = {
        "binary": "neutron-openvswitch-agent",
        "host": host,
        "topic": "N/A",
        "agent_type": "Open vSwitch agent",
        "start_flag": True,
        "configurations": {
            "bridge_mappings": {"physnet1": "br-physnet1"},
            "tunnel_types": ["vxlan"],
            "tunneling_ip": "127.0.0.1",
            "integration_bridge": "br-int",
            "datapath_type": "system",
            "ovs_hybrid_plug": False,
            "l2_population": False,
            "enable_distributed_routing": False,
            "extensions": [],
            "devices": 0,
            "ovs_capabilities": {"datapath_types": ["system"],
                                 "iface_types": ["vxlan"]},
        },
    }
    api = agent_rpc.PluginReportStateAPI(topics.REPORTS)
    print(api.report_state(context.get_admin_context_without_session(), state,
                           use_call=True), flush=True)


if __name__ == "__main__":
    main()
