"""Issue 14 item 3: the application behind a real reverse proxy.

Debian's nginx runs on loopback with its own configuration: TLS on one port (a
certificate made here), plain HTTP on another, both passing X-Forwarded-For and
X-Forwarded-Proto to waitress, which is given exactly what `redress serve` gives it
(`proxy.waitress_options()` from REDRESS_TRUSTED_PROXY). Clients come from different
loopback addresses (127.0.0.2, 127.0.0.3, ...), so nginx sees each as its own client.

Before this, waitress dropped the proxy's headers: every customer shared nginx's address
(five wrong access codes blocked the portal for everyone), the login throttle locked all
staff after twenty made-up names, and a request nginx received over HTTPS was redirected
to HTTPS again.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from waitress.server import create_server

from redress import proxy
from redress.complaints.timesource import frozen
from redress.portal import throttle
from tests.conftest import at

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WHEN = at(2026, 3, 2, 10, 20)  # time inside the application: no window edge mid-test
PASSWORD = "x" * 12  # the org fixture's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    proxy_buffering off;  # no temporary files for nginx's unprivileged worker to write
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    upstream redress {{ server 127.0.0.1:{app}; }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {cert}; ssl_certificate_key {key};
        location / {{
            proxy_pass http://redress;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
    server {{
        listen 127.0.0.1:{http};
        location / {{
            proxy_pass http://redress;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def wait_for(port: int, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"nginx stopped: {log.read_text() if log and log.exists() else ''}") from None
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@dataclass
class Site:
    https: int
    http: int
    app: int


@pytest.fixture
def site(settings, transactional_db, tmp_path):
    """nginx in front of waitress, waitress configured as `redress serve` configures it."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: apt-get install -y nginx (the README's test command does)")
    settings.REDRESS_TRUSTED_PROXY = "127.0.0.1"  # nginx connects to waitress from here
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_app = WSGIHandler()  # after the settings: the security middleware reads them once
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()

    def app(environ, start_response):
        # The test's in-memory SQLite database is one connection, lent to the server's
        # thread as Django's live server lends it; time is pinned as in every test.
        for alias, conn in shared.items():
            connections[alias] = conn
        try:
            with frozen(WHEN):
                return list(django_app(environ, start_response))
        finally:
            if not shared:
                connections.close_all()

    server = create_server(app, host="127.0.0.1", port=0, threads=1, **proxy.waitress_options())
    threading.Thread(target=server.run, daemon=True).start()
    ports = Site(https=free_port(), http=free_port(), app=server.effective_port)
    cert, key = certificate(tmp_path)
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(d=tmp_path, app=ports.app, https=ports.https, http=ports.http, cert=cert,
                                      key=key))
    nginx = subprocess.Popen([NGINX, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(conf)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(ports.https, nginx, tmp_path / "error.log")
        wait_for(ports.http, nginx, tmp_path / "error.log")
        yield ports
    finally:
        nginx.terminate()
        nginx.wait(10)
        server.task_dispatcher.shutdown()
        server.close()
        for conn in shared.values():
            conn.dec_thread_sharing()


@dataclass
class Browser:
    """One client at its own loopback address, keeping its cookies."""

    address: str
    port: int
    tls: bool = True
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        if self.tls:
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=20,
                                               context=ssl._create_unverified_context(),
                                               source_address=(self.address, 0))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(self.address, 0))
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, text

    def post_form(self, path: str, fields: dict, headers: dict | None = None):
        _, page = self.request("GET", path, headers=headers)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        return self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **fields}, headers)


def wrong_code(browser: Browser, headers: dict | None = None) -> int:
    response, _ = browser.post_form("/portal/status/", {"reference": "TS-2026-000001",
                                                        "access_code": "AAAA-BBBB-CCCC-0000",
                                                        "time_zone": "Asia/Shanghai"}, headers)
    return response.status


def test_the_portal_throttle_counts_each_client_behind_the_proxy_apart(site):
    guesser, neighbour = Browser("127.0.0.2", site.https), Browser("127.0.0.3", site.https)
    limit = throttle.LIMITS["bad_code"].count
    assert [wrong_code(guesser) for _ in range(limit)] == [404] * limit
    assert wrong_code(guesser) == 429
    # A forged X-Forwarded-For does not buy a fresh address: nginx appends the one it saw.
    assert wrong_code(guesser, {"X-Forwarded-For": "198.51.100.9"}) == 429
    # Another customer behind the same proxy is not blocked.
    assert wrong_code(neighbour) == 404


def test_https_at_the_proxy_is_served_with_hsts_and_plain_http_is_redirected_once(site):
    response, page = Browser("127.0.0.2", site.https).request("GET", "/login/")
    assert response.status == 200 and "csrfmiddlewaretoken" in page  # no redirect loop
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    response, _ = Browser("127.0.0.2", site.http, tls=False).request("GET", "/login/?next=/")
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{site.http}/login/?next=/"
    assert response.getheader("Strict-Transport-Security") is None  # never over plain HTTP


def test_a_client_reaching_the_server_directly_cannot_claim_https_or_an_address(site):
    direct = Browser("127.0.0.4", site.app, tls=False)
    response, _ = direct.request("GET", "/login/", headers={"X-Forwarded-Proto": "https",
                                                            "X-Forwarded-For": "203.0.113.1"})
    assert response.status == 301  # not believed: it is not the proxy


def sign_in(browser: Browser, username: str, password: str) -> tuple[int, str]:
    response, page = browser.post_form("/login/", {"username": username, "password": password},
                                       {"Accept-Language": "en"})
    return response.status, page


def test_made_up_names_from_one_client_lock_out_that_client_only(site, org):
    guesser, colleague = Browser("127.0.0.2", site.https), Browser("127.0.0.3", site.https)
    for i in range(20):
        assert sign_in(guesser, f"nobody{i}", "wrong")[0] == 200
    status, page = sign_in(guesser, "handler", PASSWORD)
    assert status == 200 and "Too many failed sign-in attempts" in page
    assert sign_in(colleague, "handler", PASSWORD)[0] == 302


def test_the_login_throttle_locks_a_username_from_every_address(site, org):
    guesser, owner, colleague = (Browser(a, site.https) for a in ("127.0.0.2", "127.0.0.3", "127.0.0.4"))
    for _ in range(5):
        assert sign_in(guesser, "handler", "wrong")[0] == 200
    status, page = sign_in(owner, "handler", PASSWORD)
    assert status == 200 and "Too many failed sign-in attempts" in page
    assert sign_in(colleague, "handler2", PASSWORD)[0] == 302  # other staff sign in as usual
