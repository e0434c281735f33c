"""Fixtures of the driver tests: the packaged driver, a real ``hangar serve``, an EC2 peer.

The driver under test is the one ``bin/hangar pack`` puts in the shell package (unzipped from
HangarCloudProviderDriver.zip), importing the test stand-ins of CloudShell's packages from
``standins/`` (the real ones cannot be installed here). Every daemon is started here on a free
loopback port and stopped by its pid.
"""

import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile

import pytest

HOME = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
STANDINS = os.path.join(os.path.dirname(__file__), 'standins')
ON_CI = os.environ.get('CI') == 'true'


def _hangar():
    return os.path.join(HOME, 'bin', 'hangar')


@pytest.fixture(scope='session')
def packed_driver(tmp_path_factory):
    """The driver zip's files, unzipped, first on sys.path; the driver module."""
    out = tmp_path_factory.mktemp('pack')
    subprocess.run([_hangar(), 'pack', '--out', str(out)], check=True, cwd=HOME,
                   stdout=subprocess.DEVNULL)
    with zipfile.ZipFile(out / 'HangarCloudProvider.zip') as shell:
        inner = shell.read('HangarCloudProviderDriver.zip')
    target = out / 'driver'
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        z.extractall(target)
    sys.path[:0] = [str(target), STANDINS]
    import driver
    return target, driver


class Daemon:
    """A child process and the lines of its stdout, read in the background."""

    def __init__(self, args, env=None, cwd=HOME):
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env, cwd=cwd, start_new_session=True)
        self.lines = []
        self.err = []
        self._cv = threading.Condition()
        for stream, sink in ((self.process.stdout, self.lines),
                             (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    def _read(self, stream, sink):
        for line in stream:
            with self._cv:
                sink.append(line.rstrip('\n'))
                self._cv.notify_all()

    def wait_for(self, pattern, timeout=120):
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for line in self.lines + self.err:
                    m = re.search(pattern, line)
                    if m:
                        return m
                if self.process.poll() is not None:
                    raise AssertionError('exited %s before printing %r; stderr: %s'
                                         % (self.process.returncode, pattern,
                                            '\n'.join(self.err[-20:])))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError('no %r within %s s' % (pattern, timeout))
                self._cv.wait(left)

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Host:
    def __init__(self, daemon, address, token, values):
        self.daemon = daemon
        self.address = address
        self.token = token
        self.values = values


def start_host(extra=(), token=None, env_extra=None):
    token = token or secrets.token_urlsafe(24)
    env = dict(os.environ, HANGAR_TOKEN=token, HANGAR_LOG_LEVEL='WARN')
    env.update(env_extra or {})
    d = Daemon([_hangar(), 'serve', '--listen', '127.0.0.1:0'] + list(extra), env=env)
    m = d.wait_for(r'serving on (\S+:\d+)')
    values = {}
    if '--embedded' in extra:
        line = d.wait_for(r'^embedded: (.*)').group(1)
        values = dict(re.findall(r'(\w+)=(\S+)', line))
    return Host(d, m.group(1), token, values)


@pytest.fixture(scope='session')
def host(packed_driver):
    """``hangar serve --embedded``: test:///default and a private ovsdb-server with br-int."""
    if shutil.which('ovsdb-server') is None:
        if ON_CI:
            pytest.fail('ovsdb-server is missing (bin/deps installs openvswitch-switch)')
        pytest.skip('ovsdb-server is missing: bin/deps installs openvswitch-switch')
    h = start_host(['--embedded'])
    yield h
    h.daemon.stop()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _moto_python():
    """A Python with moto (the machine's, not this venv's)."""
    for candidate in (os.environ.get('HANGAR_MOTO_PYTHON'), shutil.which('python3'),
                      '/usr/bin/python3'):
        if candidate and subprocess.run([candidate, '-c', 'import moto.server'],
                                        capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.fixture(scope='session')
def ec2_peer():
    """moto's EC2 server on a free loopback port: the endpoint URL."""
    python = _moto_python()
    if python is None:
        if ON_CI:
            pytest.fail('no Python with moto found (set HANGAR_MOTO_PYTHON)')
        pytest.skip('no Python with moto found (set HANGAR_MOTO_PYTHON)')
    for _ in range(5):
        port = free_port()
        d = Daemon([python, '-m', 'moto.server', '-H', '127.0.0.1', '-p', str(port)])
        try:
            d.wait_for(r'Running on http://127\.0\.0\.1:%d' % port, timeout=60)
        except AssertionError:
            d.stop()
            continue
        yield 'http://127.0.0.1:%d' % port
        d.stop()
        return
    pytest.fail('moto.server did not start on a free port')
