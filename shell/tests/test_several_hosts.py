"""The driver over several sandbox hosts: the Sandbox Host as a list or a DNS name, balanced
round-robin, and an UNAVAILABLE idempotent command run again (never a non-idempotent one)."""

import logging
import os
import types

import pytest

from conftest import HOME
from conftest import free_port

SAMPLES = os.path.join(HOME, 'samples')


@pytest.fixture(autouse=True)
def api_record(packed_driver):
    from cloudshell.api.cloudshell_api import CloudShellAPISession
    CloudShellAPISession.reset()
    return CloudShellAPISession


@pytest.fixture
def driver(packed_driver):
    d = packed_driver[1].HangarCloudProviderDriver()
    d.initialize(None)
    yield d
    d.cleanup()


def test_the_sandbox_host_takes_one_address_a_list_or_a_dns_name(packed_driver):
    from hangar_bridge import grpc_target
    assert grpc_target('10.0.0.1:50051') == ('10.0.0.1:50051', False)
    assert grpc_target(' 10.0.0.1:50051, 10.0.0.2:50052 ') == (
        'ipv4:10.0.0.1:50051,10.0.0.2:50052', True)
    assert grpc_target('[::1]:1,[fd00::2]:2') == ('ipv6:[::1]:1,[fd00::2]:2', True)
    assert grpc_target('localhost:7,127.0.0.2:8')[0].startswith('ipv4:127.0.0.1:7,')
    assert grpc_target('dns:///hangar.example:50051') == ('dns:///hangar.example:50051', True)
    for bad in ('10.0.0.1', '10.0.0.1:0,10.0.0.2:1', 'a:1,,b:2', 'http://a:1', 'dns:///a',
                'no-such-host.invalid:1,a:2'):
        with pytest.raises(ValueError):
            grpc_target(bad)


def _context(s, sample, values, address):
    ctx = s.context(s.load(os.path.join(SAMPLES, 'contexts', sample), values),
                    types.SimpleNamespace(address=address))
    return ctx


def test_a_list_with_a_dead_host_runs_on_the_live_one_and_retries_only_idempotent_commands(
        host, driver, api_record, caplog):
    import hangar_bridge
    import scenarios as s
    api_record.passwords[s.HOST_TOKEN_ENCRYPTED] = host.token
    several = '%s,127.0.0.1:%d' % (host.address, free_port())
    ok = _context(s, 'kvm-autoload.json', host.values, several)
    for _ in range(4):
        driver.get_inventory(ok)

    # A hypervisor the host cannot reach: UNAVAILABLE, the same on every host.
    unreachable = dict(host.values, hypervisors='qemu+tcp://127.0.0.1:1/system')
    caplog.set_level(logging.WARNING, logger='hangar.driver')
    with pytest.raises(hangar_bridge.HangarHostError) as e:
        driver.get_inventory(_context(s, 'kvm-autoload.json', unreachable, several))
    assert 'qemu+tcp://127.0.0.1:1/system' in str(e.value)
    retries = [r.getMessage() for r in caplog.records if 'trying the next host' in r.getMessage()]
    assert retries == ['get_inventory: UNAVAILABLE; trying the next host (attempt %d of %d)'
                       % (n, hangar_bridge.MAX_ATTEMPTS)
                       for n in range(2, hangar_bridge.MAX_ATTEMPTS + 1)]
    assert hangar_bridge.MAX_ATTEMPTS == 10

    caplog.clear()
    remote = _context(s, 'kvm-remote-web.json',
                      dict(unreachable, webUuid='6f1c2b3a-0d4e-4f5a-9b8c-7d6e5f4a3b2c'),
                      several)
    with pytest.raises(hangar_bridge.HangarHostError) as e:
        driver.PowerCycle(remote, [], '0')
    assert e.value.code.name == 'UNAVAILABLE', str(e.value)
    assert not [r for r in caplog.records if 'trying the next host' in r.getMessage()]
