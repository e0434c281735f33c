"""GetVmDetails p50 through the shell's Python driver vs on the host alone (bench/python-driver).

Both run in this process against one `hangar serve --embedded`, interleaved call by call so that
machine load hits both alike; the driver is the one `bin/hangar pack` packages, with the test
stand-ins of CloudShell's modules (shell/tests/standins)."""

import json
import os
import statistics
import sys
import time

HOME = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(HOME, 'shell', 'tests'))

import conftest  # noqa: E402  (the tests' daemon helpers)


def packed_driver(out):
    import io
    import subprocess
    import zipfile
    subprocess.run([os.path.join(HOME, 'bin', 'hangar'), 'pack', '--out', out], check=True,
                   stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(os.path.join(out, 'HangarCloudProvider.zip')) as z:
        inner = z.read('HangarCloudProviderDriver.zip')
    zipfile.ZipFile(io.BytesIO(inner)).extractall(os.path.join(out, 'driver'))
    sys.path[:0] = [os.path.join(out, 'driver'), conftest.STANDINS]
    import driver
    return driver


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main(calls):
    import tempfile
    import grpc
    out = tempfile.mkdtemp(prefix='hangar-bench-')
    driver = packed_driver(out)
    import scenarios
    from cloudshell.api.cloudshell_api import CloudShellAPISession
    from hangar.v1 import cloud_provider_pb2 as pb
    import hangar_bridge
    host = conftest.start_host(['--embedded'])
    try:
        CloudShellAPISession.passwords[scenarios.HOST_TOKEN_ENCRYPTED] = host.token
        d = driver.HangarCloudProviderDriver()
        values = dict(host.values)
        ctx = scenarios.context(scenarios.load(
            os.path.join(HOME, 'samples', 'contexts', 'kvm-provider.json'), values), host)
        with open(os.path.join(HOME, 'samples', 'requests', 'deploy-kvm-template.json')) as f:
            deployed = json.loads(d.Deploy(ctx, scenarios.substitute(f.read(), values), None))
        values['webUuid'] = deployed['driverResponse']['actionResults'][0]['vmUuid']
        with open(os.path.join(HOME, 'samples', 'requests', 'get-vm-details-kvm.json')) as f:
            request = json.loads(scenarios.substitute(f.read(), values))
        request['items'] = request['items'][:1] if os.environ.get('BENCH_EMPTY') != '1' else []
        request = json.dumps(request)

        channel = grpc.insecure_channel(host.address)
        unary = channel.unary_unary('/hangar.v1.CloudProvider/GetVmDetails',
                                    request_serializer=pb.ResourceCommandRequest.SerializeToString,
                                    response_deserializer=pb.CommandResponse.FromString)
        metadata = (('authorization', 'Bearer ' + host.token),)
        # The host alone gets the message already built: what an orchestrator calling the host
        # directly sends. The driver gets the platform's objects, as the execution server does.
        message = hangar_bridge.resource_command(ctx, request)

        from cloudshell.shell.core.driver_context import CancellationContext

        def through_driver():
            # As the platform calls it: with a cancellation context the driver watches.
            return d.GetVmDetails(ctx, request, CancellationContext())

        def host_alone():
            return unary(message, metadata=metadata).response_json

        a, b = through_driver(), host_alone()
        assert a == b and all(x['errorMessage'] in ('', None) for x in json.loads(a)), (a, b)
        samples = {'driver': [], 'host': []}
        for i in range(200 + calls):
            for name, f in (('driver', through_driver), ('host', host_alone))[::1 - 2 * (i % 2)]:
                t = time.perf_counter_ns()
                f()
                if i >= 200:
                    samples[name].append((time.perf_counter_ns() - t) / 1e6)
        p50 = {k: statistics.median(v) for k, v in samples.items()}
        print('GetVmDetails of one KVM VM on hangar serve --embedded, %d calls each, interleaved'
              % calls)
        print('%-34s %8s %8s' % ('', 'p50 ms', 'p90 ms'))
        print('%-34s %8.2f %8.2f' % ('host alone (unary RPC)', p50['host'],
                                     percentile(samples['host'], 0.9)))
        print('%-34s %8.2f %8.2f' % ('through the Python driver', p50['driver'],
                                     percentile(samples['driver'], 0.9)))
        print('%-34s %8.2f' % ('added by the driver (p50)', p50['driver'] - p50['host']))
        d.cleanup()
        channel.close()
    finally:
        host.daemon.stop()


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
