"""Local websites for the cookie scan: real HTTP servers on loopback addresses, one per host
(127.0.0.1 is the organisation's site, 127.0.0.2 a third party such as a video player)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from waarborg.cookies import guard


class Site:
    def __init__(self, host):
        self.files = {}
        self.hits = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                path = self.path.split("?")[0]
                site.hits.append(path)
                if path not in site.files:
                    self.send_error(404)
                    return
                body, content_type, headers = site.files[path]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path, body, content_type="text/html; charset=utf-8", headers=()):
        self.files[path] = (body.encode() if isinstance(body, str) else body, content_type, headers)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scan_hosts(settings):
    settings.SCAN_HOSTS = ["127.0.0.1", "127.0.0.2"]
    guard.clear()
    yield settings.SCAN_HOSTS
    guard.clear()


@pytest.fixture
def make_site():
    sites = []

    def make(host="127.0.0.1"):
        site = Site(host)
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()
