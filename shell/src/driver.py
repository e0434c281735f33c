"""Hangar Cloud Provider: the shell's driver, as CloudShell's execution server runs it.

Every command is forwarded to a ``hangar serve`` host (the provider's Sandbox Host, Sandbox
Host Token and Sandbox Host CA attributes) and answered exactly as the host answers it; the
host's callbacks come back on the same connection and go to the platform's API session.
"""

import json
import threading

from cloudshell.api.cloudshell_api import CloudShellAPISession
from cloudshell.shell.core.driver_context import AutoLoadAttribute
from cloudshell.shell.core.driver_context import AutoLoadDetails
from cloudshell.shell.core.driver_context import AutoLoadResource
from cloudshell.shell.core.resource_driver_interface import ResourceDriverInterface

import hangar_bridge as bridge


class HangarCloudProviderDriver(ResourceDriverInterface):
    """The Custom Cloud Provider commands, each run by the sandbox host."""

    def __init__(self):
        self._lock = threading.Lock()
        # One channel per (address, encrypted token, CA): commands of a provider share it.
        self._hosts = {}

    def initialize(self, context):
        pass

    def cleanup(self):
        with self._lock:
            hosts, self._hosts = self._hosts, {}
        for host in hosts.values():
            host.close()

    # --- the commands (drivermetadata.xml lists them; get_inventory is the autoload) ---

    def get_inventory(self, context):
        """Validates the provider's attributes against the live cloud."""
        api = self._api(context, None)
        details = json.loads(self._host(context, api).run(
            'get_inventory', 'get_inventory', bridge.autoload_command(context), api) or '{}')
        return AutoLoadDetails(
            [AutoLoadResource(r.get('model'), r.get('name'), r.get('relative_address'),
                              r.get('unique_identifier'))
             for r in details.get('resources') or []],
            [AutoLoadAttribute(a.get('relative_address'), a.get('attribute_name'),
                               a.get('attribute_value'))
             for a in details.get('attributes') or []])

    def Deploy(self, context, request, cancellation_context=None):
        return self._resource(context, 'Deploy', 'deploy', request, cancellation_context)

    def PowerOn(self, context, ports):
        return self._remote(context, 'PowerOn', 'power_on', ports)

    def PowerOff(self, context, ports):
        return self._remote(context, 'PowerOff', 'power_off', ports)

    def remote_refresh_ip(self, context, ports, cancellation_context):
        return self._remote(context, 'remote_refresh_ip', 'remote_refresh_ip', ports,
                            cancellation_context)

    def GetVmDetails(self, context, requests, cancellation_context):
        return self._resource(context, 'GetVmDetails', 'get_vm_details', requests,
                              cancellation_context)

    def DeleteInstance(self, context, ports):
        return self._remote(context, 'DeleteInstance', 'delete_instance', ports)

    def ApplyConnectivityChanges(self, context, request):
        return self._resource(context, 'ApplyConnectivityChanges', 'apply_connectivity_changes',
                              request)

    def PrepareSandboxInfra(self, context, request, cancellation_context):
        return self._resource(context, 'PrepareSandboxInfra', 'prepare_sandbox_infra', request,
                              cancellation_context)

    def CleanupSandboxInfra(self, context, request):
        return self._resource(context, 'CleanupSandboxInfra', 'cleanup_sandbox_infra', request)

    def SetAppSecurityGroups(self, context, request):
        return self._resource(context, 'SetAppSecurityGroups', 'set_app_security_groups',
                              request)

    # --- beyond the standard (the vCenter 2G shell's names and signatures) ---

    def SaveApp(self, context, request, cancellation_context):
        """Saves apps as artifacts a deployment path deploys later (the platform's save)."""
        return self._resource(context, 'SaveApp', 'save_app', request, cancellation_context)

    def DeleteSavedApps(self, context, request, cancellation_context):
        """Deletes saved apps' artifacts; the context is an UnreservedResourceCommandContext
        (no reservation): the platform runs it on the provider outside any sandbox."""
        return self._resource(context, 'DeleteSavedApps', 'delete_saved_apps', request,
                              cancellation_context)

    def remote_save_snapshot(self, context, ports, snapshot_name, save_memory):
        """Snapshots the app's VM; returns the snapshot's path."""
        return self._remote(context, 'remote_save_snapshot', 'remote_save_snapshot', ports,
                            parameters={'snapshot_name': snapshot_name,
                                        'save_memory': save_memory})

    def remote_get_snapshots(self, context, ports):
        """The VM's snapshot paths as a JSON list."""
        return self._remote(context, 'remote_get_snapshots', 'remote_get_snapshots', ports)

    def remote_restore_snapshot(self, context, ports, snapshot_name):
        return self._remote(context, 'remote_restore_snapshot', 'remote_restore_snapshot',
                            ports, parameters={'snapshot_name': snapshot_name})

    def remote_remove_snapshot(self, context, ports, snapshot_name, remove_child):
        return self._remote(context, 'remote_remove_snapshot', 'remote_remove_snapshot', ports,
                            parameters={'snapshot_name': snapshot_name,
                                        'remove_child': remove_child})

    def reconfigure_vm(self, context, ports, cpu, ram, hdd):
        """CPUs, RAM (GB) and disk sizes ("1:100;2:200"); an empty one stays as it is."""
        return self._remote(context, 'reconfigure_vm', 'reconfigure_vm', ports,
                            parameters={'cpu': cpu, 'ram': ram, 'hdd': hdd})

    def get_vm_console(self, context, ports):
        """How to open the VM's console: {"kind","url","command","text","note"}."""
        return self._remote(context, 'get_vm_console', 'get_vm_console', ports)

    def validate_attributes(self, context, request):
        """The designer's check of an app template's attributes; raises listing problems."""
        return self._resource(context, 'validate_attributes', 'validate_attributes', request)

    def get_attribute_hints(self, context, request):
        """The values an app template's attribute can take."""
        return self._resource(context, 'get_attribute_hints', 'get_attribute_hints', request)

    def PowerCycle(self, context, ports, delay):
        """Powers the VM off, waits ``delay`` seconds, powers it on."""
        return self._remote(context, 'PowerCycle', 'power_cycle', ports,
                            parameters={'delay': delay})

    def Recover(self, context, hypervisor=None):
        """Restarts the VMs of an unreachable hypervisor (or of every unreachable one of an
        area) on a live host of its area; prints one line per VM."""
        reservation = getattr(context, 'reservation', None)
        api = self._api(context, reservation)
        return self._host(context, api).run(
            'Recover', 'recover', bridge.recover_command(context, hypervisor), api)

    # --- beyond the platform's commands: not in drivermetadata.xml, for scripts ---

    def plan(self, context, command, request):
        """What ``command`` (Deploy, ApplyConnectivityChanges, CleanupSandboxInfra) would do
        with ``request`` on this provider, changing nothing: the plan JSON of ``hangar plan``
        (the host's Plan, through RunCommand). A command that cannot be planned raises."""
        reservation = getattr(context, 'reservation', None)
        api = self._api(context, reservation)
        return self._host(context, api).run(
            'plan ' + str(command), 'plan', bridge.plan_command(context, command, request), api)

    # --- plumbing ---

    def _resource(self, context, command, field, request, cancellation_context=None):
        reservation = getattr(context, 'reservation', None)
        api = self._api(context, reservation)
        return self._host(context, api).run(
            command, field, bridge.resource_command(context, request), api,
            cancellation_context)

    def _remote(self, context, command, field, ports, cancellation_context=None,
                parameters=None):
        reservation = getattr(context, 'remote_reservation', None)
        api = self._api(context, reservation)
        return self._host(context, api).run(
            command, field, bridge.remote_command(context, ports, parameters), api,
            cancellation_context)

    @staticmethod
    def _api(context, reservation):
        return _LazyApiSession(context.connectivity, reservation)

    def _host(self, context, api):
        resource = context.resource
        address = bridge.provider_attribute(resource, bridge.SANDBOX_HOST).strip()
        encrypted = bridge.provider_attribute(resource, bridge.SANDBOX_HOST_TOKEN)
        ca = bridge.provider_attribute(resource, bridge.SANDBOX_HOST_CA)
        if not address:
            raise bridge.HangarHostError(
                'the provider "%s" has no "%s": set it to the HOST:PORT of the hangar serve'
                ' host' % (resource.name, bridge.SANDBOX_HOST))
        if not encrypted:
            raise bridge.HangarHostError(
                'the provider "%s" has no "%s": set it to the host\'s token'
                % (resource.name, bridge.SANDBOX_HOST_TOKEN))
        key = (address, encrypted, ca)
        with self._lock:
            host = self._hosts.get(key)
        if host is None:
            try:
                token = api.DecryptPassword(encryptedString=encrypted).Value
            except Exception as e:
                raise bridge.HangarHostError(
                    'cannot decrypt the provider\'s "%s" through the CloudShell API (%s)'
                    % (bridge.SANDBOX_HOST_TOKEN, type(e).__name__)) from None
            made = bridge.HostConnection(address, token, ca)
            with self._lock:
                host = self._hosts.setdefault(key, made)
            if host is not made:
                made.close()
        return host


class _LazyApiSession:
    """The platform's API session, opened on first use: a real session logs on to the CloudShell
    API when made, and most commands (GetVmDetails, PowerOn, ...) never call back."""

    def __init__(self, connectivity, reservation):
        self._connectivity = connectivity
        self._reservation = reservation
        self._session = None

    def __getattr__(self, name):
        if self._session is None:
            c = self._connectivity
            self._session = CloudShellAPISession(
                host=c.server_address, token_id=c.admin_auth_token,
                domain=getattr(self._reservation, 'domain', None) or 'Global',
                port=c.cloudshell_api_port or 8029)
        return getattr(self._session, name)
