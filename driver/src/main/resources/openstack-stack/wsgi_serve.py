"""wsgi_serve.py MODULE:FACTORY HOST PORT -- serve one WSGI application factory.

Keystone and Placement ship only WSGI applications (Debian runs them under Apache); the test
stack serves each with the standard library's threaded wsgiref server on a loopback port.
"""
import importlib
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 64


class QuietHandler(WSGIRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    target, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    module, factory = target.split(":")
    # the applications parse sys.argv as oslo.config options: leave them none of ours
    del sys.argv[1:]
    app = getattr(importlib.import_module(module), factory)()
    server = make_server(host, port, app, server_class=ThreadedServer,
                         handler_class=QuietHandler)
    print("serving %s on %s:%d" % (target, host, port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
