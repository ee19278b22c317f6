"""Compose's buffering proxy (deploy/nginx.conf) in front of a live gunicorn, as `docker compose up` puts it:
the file as committed, with only the upstream's address and the listening port changed. Needs an nginx
binary (Debian's `nginx-light` or `nginx`); skipped without one unless REQUIRE_NGINX=1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.live import ROOT, Gunicorn, call, database_url_of, free_port, wait_for_health

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def nginx_or_skip() -> str:
    if NGINX is None:
        if os.environ.get("REQUIRE_NGINX") == "1":
            raise RuntimeError("REQUIRE_NGINX=1 but no nginx binary")
        pytest.skip("no nginx binary")
    return NGINX


class Proxy:
    def __init__(self, upstream_port: int, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        assert "server web:8000;" in site and "listen 8080;" in site
        site = site.replace("server web:8000;", f"server 127.0.0.1:{upstream_port};")
        site = site.replace("listen 8080;", f"listen 127.0.0.1:{self.port};")
        (directory / "site.conf").write_text(site)
        (directory / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {directory};\nproxy_temp_path {directory};\n"
            f"include {directory}/site.conf;\n}}\n"
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Proxy:
        binary = nginx_or_skip()
        config = self.directory / "nginx.conf"
        checked = subprocess.run(
            [binary, "-t", "-c", str(config)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.PIPE)
        assert wait_for_health(self.port, seconds=10), (self.directory / "error.log").read_text()
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def raw(port: int, request: bytes, *, timeout: float = 20) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.django_db(transaction=True)
def test_the_proxy_passes_requests_and_answers_its_refusals_in_the_envelope(tmp_path):
    nginx_or_skip()
    url = database_url_of(connection.settings_dict)
    with (
        Gunicorn(
            database_url=url, log=tmp_path / "g.log", NUM_PROXIES="1", THROTTLE_SEARCH_ANON="5/min"
        ) as api,
        Proxy(api.port, tmp_path) as proxy,
    ):
        status, body = call(proxy.port, "GET", "/api/v1/videos/")
        assert status == 200 and "results" in body
        # an oversized body: nginx's 413, in the envelope, before anything reaches gunicorn
        answer = raw(
            proxy.port,
            b"POST /api/v1/events/views HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5000000\r\nConnection: close\r\n\r\n{",
        )
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "payload_too_large"
        # a chunked body is read whole by nginx and passed on with its length: no 411 behind the proxy
        login = b'{"username": "nobody", "password": "wrong!!!"}'
        answer = raw(
            proxy.port,
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + f"{len(login):x}\r\n".encode()
            + login
            + b"\r\n0\r\n\r\n",
        )
        assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
        # throttling counts the address nginx saw: a forged X-Forwarded-For opens no bucket of its own
        statuses = [
            call(proxy.port, "GET", "/api/v1/search/videos?q=x", headers={"X-Forwarded-For": f"10.0.0.{i}"})[
                0
            ]
            for i in range(8)
        ]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429] * 3, statuses


@pytest.mark.django_db(transaction=True)
def test_the_proxy_drops_a_client_that_trickles_its_headers(tmp_path):
    nginx_or_skip()
    url = database_url_of(connection.settings_dict)
    with Gunicorn(database_url=url, log=tmp_path / "g.log") as api, Proxy(api.port, tmp_path) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as sock:
            sock.sendall(b"GET /api/v1/videos/ HTTP/1.1\r\nHost: localhost\r\n")
            started = time.monotonic()
            closed_after = None
            for line in range(30):
                try:
                    sock.sendall(f"X-Slow-{line}: 1\r\n".encode())
                    time.sleep(1)
                except OSError:
                    closed_after = time.monotonic() - started
                    break
        # client_header_timeout 10s: the whole header within 10 s, however it trickles
        assert closed_after is not None and closed_after < 15, closed_after
