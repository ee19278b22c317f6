"""A real gunicorn for the tests that need one (deployment, crash safety, load, browser), and a small HTTP
client for them."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_of(settings_dict: dict) -> str:
    host = settings_dict["HOST"] or "localhost"
    auth = quote(settings_dict["USER"] or "postgres") + (
        f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{quote(host, safe='')}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


def manage(
    *args: str, env: dict[str, str], timeout: float = 600, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` from the project tree (or the `manage.py` in `cwd`) with `env` as its whole
    environment."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def call(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    timeout: float = 15,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One request; (status, parsed JSON body or None). Connection errors raise OSError."""
    headers = {"Host": "localhost", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    except http.client.HTTPException as exc:  # a worker killed mid-answer
        raise ConnectionError(str(exc)) from exc
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, None


def wait_for_health(port: int, *, seconds: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """Whether `/healthz` on `port` answers 200 within `seconds`, while `alive()` holds."""
    deadline = time.monotonic() + seconds
    while alive() and time.monotonic() < deadline:
        try:
            if call(port, "GET", "/healthz", timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


class Gunicorn:
    """gunicorn -c gunicorn.conf.py from the project tree, in its own process group."""

    def __init__(self, *, database_url: str, log: Path, workers: int | None = 2, **env: str):
        """`workers` None: as gunicorn.conf.py says (WEB_CONCURRENCY as the environment has it)."""
        self.port = free_port()
        self.log_path = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "live-test-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            **({"WEB_CONCURRENCY": str(workers)} if workers else {}),
            "LOG_LEVEL": "warning",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = self.process
        if not wait_for_health(self.port, seconds=60, alive=lambda: process.poll() is None):
            raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(
            ["/bin/ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def rss_kib(self) -> dict[int, int]:
        """Resident memory of each worker."""
        sizes = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1])
        return sizes
