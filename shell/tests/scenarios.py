"""Replays the samples' scenario files (samples/README.md) through the packaged Python driver,
as CloudShell's execution server would call it: the platform's context objects, the request
JSON, a cancellation context; checks each step's expectations and the API calls it made."""

import json
import os
import re

from cloudshell.api.cloudshell_api import CloudShellAPISession
from cloudshell.shell.core import driver_context as dc

HOST_TOKEN_ENCRYPTED = 'encrypted-sandbox-host-token'
PLACEHOLDER = re.compile(r'\$\{(\w+)(?::-([^}]*))?\}')


def substitute(text, values):
    def one(m):
        name, default = m.group(1), m.group(2)
        if name in values:
            return json.dumps(str(values[name]))[1:-1]
        if default is None:
            raise AssertionError('placeholder ${%s} has no value' % name)
        return default
    return PLACEHOLDER.sub(one, text)


def load(path, values):
    with open(path) as f:
        return json.loads(substitute(f.read(), values))


def _text(v):
    return v if isinstance(v, str) or v is None else json.dumps(v)


def resource(d, host=None):
    attributes = dict(d.get('attributes') or {})
    if host is not None:
        attributes['Hangar Cloud Provider.Sandbox Host'] = host.address
        attributes['Hangar Cloud Provider.Sandbox Host Token'] = HOST_TOKEN_ENCRYPTED
    app = d.get('app_context')
    return dc.ResourceContextDetails(
        d.get('id', ''), d.get('name', ''), d.get('fullname', ''), d.get('type', ''),
        d.get('address', ''), d.get('model', ''), d.get('family', ''),
        d.get('description', ''), attributes,
        None if app is None else dc.AppContext(_text(app.get('app_request_json')),
                                               _text(app.get('deployed_app_json'))),
        None, d.get('shell_standard', ''), d.get('shell_standard_version', ''))


def reservation(d):
    r = dc.ReservationContextDetails(
        d.get('environment_name', ''), d.get('environment_path', ''), d.get('domain', ''),
        d.get('description', ''), d.get('owner_user', ''), d.get('owner_email', ''),
        d.get('reservation_id', ''))
    r.running_user = d.get('running_user', '')
    return r


def context(d, host):
    """The platform's context object for a context JSON (samples/contexts/)."""
    c = d['connectivity']
    connectivity = dc.ConnectivityContext(
        c.get('server_address'), c.get('cloudshell_api_port'), c.get('quali_api_port'),
        c.get('admin_auth_token'), c.get('cloudshell_version'), c.get('cloudshell_api_scheme'))
    provider = resource(d['resource'], host)
    if 'remote_endpoints' in d:
        return dc.ResourceRemoteCommandContext(
            connectivity, provider, reservation(d['remote_reservation']),
            [resource(e) for e in d['remote_endpoints']])
    if 'reservation' in d:
        connectors = [dc.Connector(x.get('source'), x.get('target'), x.get('target_family'),
                                   x.get('target_model'), x.get('target_type'),
                                   x.get('target_attributes'), x.get('direction'),
                                   x.get('alias'), x.get('attributes'),
                                   x.get('connection_type'))
                      for x in d.get('connectors') or []]
        return dc.ResourceCommandContext(connectivity, provider, reservation(d['reservation']),
                                         connectors)
    return dc.AutoLoadCommandContext(connectivity, provider)


def call(driver, command, ctx, request, cancellation=None):
    """Calls the driver's method with the standard's signature."""
    cancellation = cancellation or dc.CancellationContext()
    if command == 'get_inventory':
        details = driver.get_inventory(ctx)
        return json.dumps({'resources': [vars(r) for r in details.resources],
                           'attributes': [vars(a) for a in details.attributes]})
    if command in ('PowerOn', 'PowerOff', 'DeleteInstance'):
        return getattr(driver, command)(ctx, [])
    if command == 'remote_refresh_ip':
        return driver.remote_refresh_ip(ctx, [], cancellation)
    if command in ('Deploy', 'GetVmDetails', 'PrepareSandboxInfra'):
        return getattr(driver, command)(ctx, request, cancellation)
    return getattr(driver, command)(ctx, request)


def pointer(doc, path):
    for part in path.split('/')[1:]:
        part = part.replace('~1', '/').replace('~0', '~')
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _results(response):
    doc = json.loads(response)
    return doc if isinstance(doc, list) else doc['driverResponse']['actionResults']


def check(step, response, calls):
    """The failures of one step's expectations (samples/README.md's format)."""
    expect = step.get('expect') or {}
    failures = []
    if expect.get('results'):
        results = _results(response)
        by_id = {r.get('actionId'): r for r in results if isinstance(r, dict)}
        for i, want in enumerate(expect['results']):
            got = by_id.get(want.get('actionId')) if 'actionId' in want else results[i]
            if got is None:
                failures.append('no result for %s' % want)
                continue
            for k, v in want.items():
                if got.get(k) != v:
                    failures.append('%s: %s=%r, want %r (%s)' % (
                        want.get('actionId', i), k, got.get(k), v, got.get('errorMessage')))
    for path, want in (expect.get('json') or {}).items():
        got = pointer(json.loads(response), path)
        if isinstance(want, dict) and 'matches' in want:
            if not re.fullmatch(want['matches'], str(got)):
                failures.append('%s=%r does not match %s' % (path, got, want['matches']))
        elif got != want:
            failures.append('%s=%r, want %r' % (path, got, want))
    rest = list(calls)
    for want in expect.get('calls') or []:
        while rest and not _same(rest[0], want):
            rest.pop(0)
        if not rest:
            failures.append('no API call %s in order among %s' % (want, calls))
            break
        rest.pop(0)
    return failures


def _same(made, want):
    if made[0] != want['method'] or len(made) - 1 < len(want['args']):
        return False
    return all(w == '*' or str(w) == str(m) for w, m in zip(want['args'], made[1:]))


def replay(driver, host, scenario_path, values):
    """Runs a scenario's steps; their (name, failures, calls)."""
    base = os.path.dirname(scenario_path)
    with open(scenario_path) as f:
        scenario = json.load(f)
    values = dict(scenario.get('variables') or {}, **values)
    CloudShellAPISession.passwords.update(scenario.get('passwords') or {})
    CloudShellAPISession.passwords[HOST_TOKEN_ENCRYPTED] = host.token
    report = []
    for step in scenario['steps']:
        ctx_json = (load(os.path.join(base, step['context']), values)
                    if isinstance(step['context'], str) else step['context'])
        request = None
        if step.get('request') is not None:
            if isinstance(step['request'], str):
                with open(os.path.join(base, step['request'])) as f:
                    request = substitute(f.read(), values)
            else:
                request = substitute(json.dumps(step['request']), values)
        before = len(CloudShellAPISession.calls)
        response = call(driver, step['command'], context(ctx_json, host), request)
        calls = CloudShellAPISession.calls[before:]
        # Expectations may name values saved by earlier steps.
        expected = json.loads(substitute(json.dumps(step), values))
        report.append((step['name'], check(expected, response, calls), calls))
        for name, path in (step.get('save') or {}).items():
            values[name] = pointer(json.loads(response), path)
    return report
