"""The bridge between CloudShell's execution server and a ``hangar serve`` host.

Each command goes to the host over one ``hangar.v1.CloudProvider/RunCommand`` stream: the
platform's context objects mapped field by field into the proto's typed context, the request
JSON as is. The host's callbacks (orchestrator API calls) come back on that same stream and are
answered through the platform's own API session, so the host never connects to the execution
server. The host's response is returned as is; a non-OK status raises HangarHostError with a
message that says what to fix. Tokens and decrypted values never appear in a message or log.
"""

import asyncio
import ipaddress
import logging
import random
import socket
import threading
import time

import grpc
import grpc.aio

from hangar.v1 import cloud_provider_pb2 as pb

RUN_COMMAND = '/hangar.v1.CloudProvider/RunCommand'
PROVIDER_MODEL = 'Hangar Cloud Provider'
SANDBOX_HOST = 'Sandbox Host'
SANDBOX_HOST_TOKEN = 'Sandbox Host Token'
SANDBOX_HOST_CA = 'Sandbox Host CA'
# How often the cancellation context is read while a command runs.
CANCEL_POLL_SECONDS = 0.1
# The commands (CommandCall fields) whose second run does what the first would have, so that an
# UNAVAILABLE one is run again on the next host when the address names several; the same set as
# the Java client's (dev.hangar.host.HostRetries, which says why each is safe). RunCommand is one
# RPC for every command, so gRPC's per-method retry policy cannot tell them apart: the driver
# retries these itself.
IDEMPOTENT = frozenset((
    'get_inventory', 'deploy', 'power_on', 'power_off', 'delete_instance', 'get_vm_details',
    'remote_refresh_ip', 'apply_connectivity_changes', 'prepare_sandbox_infra',
    'cleanup_sandbox_infra', 'validate_attributes', 'get_attribute_hints'))
# Attempts of an idempotent command over several hosts, the first included, with a random
# backoff between them up to 0.2 s, doubling, at most 2 s (as the Java client's).
MAX_ATTEMPTS = 10
RETRY_BACKOFF_SECONDS = 0.2
RETRY_BACKOFF_MAX_SECONDS = 2.0

log = logging.getLogger('hangar.driver')


class HangarHostError(Exception):
    """A command the host could not answer, with what to do about it."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class CommandCancelledError(HangarHostError):
    """The platform cancelled the command; the host rolled back what it made."""


def provider_attribute(resource, name):
    """A provider attribute, plain or namespaced by the model; '' when absent."""
    attributes = getattr(resource, 'attributes', None) or {}
    for key in (name, PROVIDER_MODEL + '.' + name):
        if key in attributes and attributes[key] is not None:
            return str(attributes[key])
    for key, value in attributes.items():
        if key.rsplit('.', 1)[-1] == name and value is not None:
            return str(value)
    return ''


def _s(value):
    return '' if value is None else str(value)


def _copy(source, target, fields):
    for field in fields:
        setattr(target, field, _s(getattr(source, field, None)))


def _attributes(target, attributes):
    for key, value in (attributes or {}).items():
        target[_s(key)] = _s(value)


def _connectivity(c, m):
    if c is None:
        return
    _copy(c, m, ('server_address', 'cloudshell_api_port', 'quali_api_port',
                 'admin_auth_token', 'cloudshell_version', 'cloudshell_api_scheme'))
    m.use_webapi_endpoint = bool(getattr(c, 'use_webapi_endpoint', False))


def _resource(r, m):
    if r is None:
        return
    _copy(r, m, ('id', 'name', 'fullname', 'type', 'address', 'model', 'family',
                 'description', 'shell_standard', 'shell_standard_version'))
    _attributes(m.attributes, getattr(r, 'attributes', None))
    app = getattr(r, 'app_context', None)
    if app is not None:
        _copy(app, m.app_context, ('app_request_json', 'deployed_app_json'))


def _reservation(r, m):
    if r is None:
        return
    _copy(r, m, ('reservation_id', 'environment_name', 'environment_path', 'domain',
                 'description', 'owner_user', 'owner_email', 'saved_sandbox_name',
                 'saved_sandbox_id', 'running_user', 'cloud_info_access_key'))


def _connector(c, m):
    _copy(c, m, ('source', 'target', 'target_family', 'target_model', 'target_type',
                 'alias', 'connection_type', 'direction'))
    _attributes(m.target_attributes, getattr(c, 'target_attributes', None))
    _attributes(m.attributes, getattr(c, 'attributes', None))


def resource_command(context, request_json):
    """A ResourceCommandRequest from a ResourceCommandContext and the request JSON."""
    m = pb.ResourceCommandRequest(request_json=_s(request_json))
    _connectivity(context.connectivity, m.context.connectivity)
    _resource(context.resource, m.context.resource)
    _reservation(getattr(context, 'reservation', None), m.context.reservation)
    for c in getattr(context, 'connectors', None) or []:
        _connector(c, m.context.connectors.add())
    return m


def plan_command(context, command, request_json):
    """A PlanRequest: the plan of ``command`` (its standard name) on a ResourceCommandContext
    with the request JSON."""
    r = resource_command(context, request_json)
    return pb.PlanRequest(command=_s(command), context=r.context,
                          request_json=r.request_json)


def recover_command(context, hypervisor):
    """A RecoverRequest from the provider's ResourceCommandContext and the hypervisor to recover
    (None or empty: every unreachable hypervisor of an area)."""
    m = pb.RecoverRequest()
    _connectivity(context.connectivity, m.context.connectivity)
    _resource(context.resource, m.context.resource)
    _reservation(getattr(context, 'reservation', None), m.context.reservation)
    if hypervisor is not None:
        m.parameters['hypervisor'] = _s(hypervisor)
    return m


def remote_command(context, ports, parameters=None):
    """A ResourceRemoteCommandRequest from a ResourceRemoteCommandContext, its ports and the
    command's named parameters (a parameter the platform passed as None is left out, so the
    host applies its default)."""
    m = pb.ResourceRemoteCommandRequest()
    _connectivity(context.connectivity, m.context.connectivity)
    _resource(context.resource, m.context.resource)
    _reservation(getattr(context, 'remote_reservation', None), m.context.remote_reservation)
    for e in getattr(context, 'remote_endpoints', None) or []:
        _resource(e, m.context.remote_endpoints.add())
    for p in ports or []:
        m.ports.append(_s(p))
    for name, value in (parameters or {}).items():
        if value is not None:
            m.parameters[name] = _s(value)
    return m


def autoload_command(context):
    """An AutoLoadCommandRequest from an AutoLoadCommandContext."""
    m = pb.AutoLoadCommandRequest()
    _connectivity(context.connectivity, m.context.connectivity)
    _resource(context.resource, m.context.resource)
    return m


_loop = None
_loop_lock = threading.Lock()


def _event_loop():
    """One asyncio loop per process, on a daemon thread, for every host connection: grpc.aio
    streams need no thread per call (grpcio's blocking streams start one to read the requests),
    which halves what a command costs the driver."""
    global _loop
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name='hangar-grpc', daemon=True).start()
            _loop = loop
        return _loop


class _CancelledByPlatform(Exception):
    pass


async def _write(call, message):
    """Writes on the stream unless the call already ended (its status is read next)."""
    try:
        await call.write(message)
    except (asyncio.InvalidStateError, grpc.RpcError):
        pass


def grpc_target(address):
    """The gRPC target of the provider's Sandbox Host, and whether it names several hosts.

    ``HOST:PORT`` is one host; ``HOST:PORT,HOST:PORT,...`` several (names are looked up here,
    once, into grpc's ``ipv4:``/``ipv6:`` list form); ``dns:///NAME:PORT`` every address of the
    name, looked up by grpc itself (again when a connection fails). Raises ValueError saying
    what is wrong.
    """
    address = address.strip()
    if address.startswith('dns:///'):
        _host_port(address[len('dns:///'):])
        return address, True
    if '://' in address:
        raise ValueError('"%s": the only scheme taken is dns:///' % address)
    parts = [p.strip() for p in address.split(',')]
    if len(parts) == 1:
        _host_port(parts[0])
        return parts[0], False
    v4, v6 = [], []
    for part in parts:
        host, port = _host_port(part)
        try:
            ips = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as e:
                raise ValueError('cannot look up "%s" of "%s": %s' % (host, address, e)) from None
            ips = sorted({ipaddress.ip_address(i[4][0]) for i in infos}, key=str)
        for ip in ips:
            (v4 if ip.version == 4 else v6).append((ip, port))
    if v4:  # grpc takes one family per list: IPv4 when there is any
        return 'ipv4:' + ','.join('%s:%d' % a for a in v4), True
    return 'ipv6:' + ','.join('[%s]:%d' % a for a in v6), True


def _host_port(text):
    host, sep, port = text.rpartition(':')
    host = host[1:-1] if host.startswith('[') and host.endswith(']') else host
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError('"%s" is not HOST:PORT' % text)
    return host, int(port)


class HostConnection:
    """One channel to the host (or hosts, balanced round-robin), reused by every command of the
    driver instance."""

    def __init__(self, address, token, ca_pem=''):
        self.address = address
        try:
            self._target, self.several = grpc_target(address)
        except ValueError as e:
            raise HangarHostError('the provider\'s "%s" is not usable: %s' % (SANDBOX_HOST, e))
        self._metadata = (('authorization', 'Bearer ' + token),)
        self._tls = bool(ca_pem.strip())
        self._loop = _event_loop()
        self._channel, self._run = asyncio.run_coroutine_threadsafe(
            self._open(ca_pem), self._loop).result()

    async def _open(self, ca_pem):
        options = [('grpc.lb_policy_name', 'round_robin')] if self.several else []
        if self._tls:
            credentials = grpc.ssl_channel_credentials(root_certificates=ca_pem.encode())
            channel = grpc.aio.secure_channel(self._target, credentials, options=options)
        else:
            channel = grpc.aio.insecure_channel(self._target, options=options)
        return channel, channel.stream_stream(
            RUN_COMMAND, request_serializer=pb.DriverMessage.SerializeToString,
            response_deserializer=pb.HostMessage.FromString)

    def close(self):
        asyncio.run_coroutine_threadsafe(self._channel.close(), self._loop).result(10)

    def run(self, command, field, request, api, cancellation_context=None):
        """Runs one command (``field`` of CommandCall) and returns its response JSON."""
        message = pb.DriverMessage()
        getattr(message.command, field).CopyFrom(request)
        attempts = MAX_ATTEMPTS if self.several and field in IDEMPOTENT else 1
        try:
            response = self._attempts(message, api, cancellation_context, attempts)
        except _CancelledByPlatform:
            raise CommandCancelledError(
                command + ' was cancelled; the sandbox host rolled back what it had made',
                grpc.StatusCode.CANCELLED) from None
        except grpc.RpcError as e:
            raise self._error(command, e) from None
        if response is None:
            raise HangarHostError('the sandbox host at %s ended %s without a response'
                                  % (self.address, command))
        return response

    def _attempts(self, message, api, cancellation_context, attempts):
        """Runs the command; an UNAVAILABLE answer is run again (on the next host, as the
        channel balances round-robin) up to ``attempts`` times in all, after a random backoff."""
        for attempt in range(1, attempts + 1):
            future = asyncio.run_coroutine_threadsafe(
                self._call(message, api, cancellation_context), self._loop)
            try:
                return future.result()
            except grpc.RpcError as e:
                if attempt == attempts or e.code() != grpc.StatusCode.UNAVAILABLE \
                        or getattr(cancellation_context, 'is_cancelled', False):
                    raise
                log.warning('%s: %s; trying the next host (attempt %d of %d)',
                            message.command.WhichOneof('command'), e.code().name, attempt + 1,
                            attempts)
                time.sleep(random.uniform(0, min(RETRY_BACKOFF_MAX_SECONDS,
                                                 RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))))
        return None

    async def _call(self, message, api, cancellation_context):
        call = self._run(metadata=self._metadata)
        state = {'cancelled': False}
        watch = None
        if cancellation_context is not None:
            watch = asyncio.ensure_future(self._watch(cancellation_context, call, state))
        loop = asyncio.get_running_loop()
        response = None
        try:
            await _write(call, message)
            async for m in call:
                kind = m.WhichOneof('kind')
                if kind == 'callback':
                    # The platform's API blocks: answer it off the loop.
                    result = await loop.run_in_executor(None, answer_callback, m.callback, api)
                    await _write(call, pb.DriverMessage(callback_result=result))
                elif kind == 'response':
                    response = m.response.response_json
        except asyncio.CancelledError:
            if state['cancelled']:
                raise _CancelledByPlatform() from None
            raise
        finally:
            if watch is not None:
                watch.cancel()
        if state['cancelled']:
            raise _CancelledByPlatform()
        try:
            await call.done_writing()
        except Exception:  # the call has ended: nothing more to say
            pass
        return response

    @staticmethod
    async def _watch(cancellation_context, call, state):
        while True:
            await asyncio.sleep(CANCEL_POLL_SECONDS)
            if getattr(cancellation_context, 'is_cancelled', False):
                state['cancelled'] = True
                call.cancel()
                return

    def _error(self, command, e):
        code = e.code() if hasattr(e, 'code') else None
        details = (e.details() if hasattr(e, 'details') else '') or ''
        where = 'the sandbox host at %s' % self.address
        if code == grpc.StatusCode.UNAUTHENTICATED:
            return HangarHostError(
                '%s refused the token (%s): set the provider\'s "%s" to the host\'s token'
                ' (its HANGAR_TOKEN or --token-file)' % (where, details, SANDBOX_HOST_TOKEN),
                code)
        if code == grpc.StatusCode.RESOURCE_EXHAUSTED and 'max-commands' in details:
            return HangarHostError(
                '%s is at its bound of running and waiting commands: retry later, or run it'
                ' with a higher --max-commands/--max-queued (%s)' % (where, details), code)
        if code == grpc.StatusCode.UNAVAILABLE and _transport_failure(details):
            return HangarHostError(self._unreachable(details), code)
        return HangarHostError('%s failed on %s (%s): %s'
                               % (command, where, code.name if code else 'UNKNOWN', details),
                               code)

    def _unreachable(self, details):
        lower = details.lower()
        where = 'the sandbox host at %s' % self.address
        if 'failed to connect' not in lower and 'resolution' not in lower:
            return ('the connection to %s broke during the command (%s): the host may have'
                    ' stopped or restarted; retry' % (where, details))
        if self._tls and 'handshake' in lower:
            return ('%s failed the TLS handshake (%s): check that it serves TLS (--tls-cert) and'
                    ' that the provider\'s "%s" is the CA that signed its certificate'
                    % (where, details, SANDBOX_HOST_CA))
        if not self._tls and ('socket closed' in lower or 'connection reset' in lower):
            return ('%s closed the plaintext connection (%s): it probably serves TLS; set the'
                    ' provider\'s "%s" to the PEM of the CA that signed its certificate'
                    % (where, details, SANDBOX_HOST_CA))
        return ('%s cannot be reached (%s): check the provider\'s "%s" (HOST:PORT) and that'
                ' hangar serve runs there and is reachable from this execution server'
                % (where, details, SANDBOX_HOST))


def _transport_failure(details):
    """True when UNAVAILABLE came from the connection (grpc's own wording), not from the
    command (a hypervisor the host cannot reach is UNAVAILABLE too, with the host's reason)."""
    lower = details.lower()
    return any(s in lower for s in (
        'failed to connect to all addresses', 'dns resolution failed',
        'failed to pick subchannel', 'empty address list', 'socket closed',
        'connection reset'))


def answer_callback(callback, api):
    """Runs one host callback through the platform's API session; its CallbackResult.

    Arguments go by keyword, with the names of cloudshell-automation-api's CloudShellAPISession
    (as its users call them), so a renamed parameter fails loudly instead of shifting values.
    """
    kind = callback.WhichOneof('call')
    result = pb.CallbackResult(id=callback.id)
    try:
        if kind == 'update_resource_address':
            c = callback.update_resource_address
            api.UpdateResourceAddress(resourceFullPath=c.resource_name,
                                      resourceAddress=c.address)
        elif kind == 'set_attribute_value':
            c = callback.set_attribute_value
            api.SetAttributeValue(resourceFullPath=c.resource_full_name,
                                  attributeName=c.attribute_name,
                                  attributeValue=c.attribute_value)
        elif kind == 'write_message_to_reservation_output':
            c = callback.write_message_to_reservation_output
            api.WriteMessageToReservationOutput(reservationId=c.reservation_id,
                                               message=c.message)
        elif kind == 'decrypt_password':
            value = api.DecryptPassword(
                encryptedString=callback.decrypt_password.encrypted).Value
            result.decrypted.value = _s(value)
            return result
        elif kind == 'set_resource_live_status':
            c = callback.set_resource_live_status
            api.SetResourceLiveStatus(resourceFullName=c.resource_name,
                                      liveStatusName=c.live_status_name,
                                      additionalInfo=c.additional_info)
        else:
            result.error.message = 'this driver does not know the callback %r' % kind
            return result
        result.done.SetInParent()
    except Exception as e:  # the platform's API raises its own error types
        # The API's message names what failed; it never holds the decrypted value.
        result.error.message = '%s: %s' % (type(e).__name__, e)
        result.error.retryable = isinstance(e, (OSError, TimeoutError))
        log.warning('orchestrator API call %s failed: %s', kind, type(e).__name__)
    return result
