"""The Dockerfile's install steps, run here without Docker: a fresh virtualenv gets `pip install .` from a
copy of what the build stage copies, the runtime tree gets what the runtime stage copies, and gunicorn
starts with gunicorn.conf.py against the test database and answers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.live import ROOT, call, database_url_of, free_port

pytestmark = pytest.mark.django_db


def dockerfile_copies(stage: str) -> list[str]:
    """The paths a Dockerfile stage COPYs from the build context."""
    text = (ROOT / "Dockerfile").read_text()
    stage_text = text.split(f" AS {stage}", 1)[1].split("\nFROM ", 1)[0]
    paths: list[str] = []
    for line in stage_text.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            paths += parts[:-1]
    return paths


def get(port: int, path: str) -> int:
    return call(port, "GET", path, timeout=5)[0]


def test_dockerfile_install_steps_serve_with_gunicorn(tmp_path):
    build, app = tmp_path / "build", tmp_path / "app"
    build.mkdir()
    app.mkdir()
    for stage, target in (("build", build), ("runtime", app)):
        copies = dockerfile_copies(stage)
        assert copies, f"no COPY in the {stage} stage"
        for name in copies:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
            else:
                shutil.copy2(source, target / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(build)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert pip.returncode == 0, pip.stderr[-2000:]
    port = free_port()
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "PYTHONPATH": str(app),
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "DJANGO_SECRET_KEY": "deploy-test-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "info",
    }
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz"
            time.sleep(0.3)
        assert get(port, "/readyz") == 200  # the database is reachable and every migration applied
        assert get(port, "/api/v1/videos/") == 200
        assert get(port, "/api/schema/") == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # graceful: workers finish, the master exits 0
        code = server.wait(timeout=40)
    output = (tmp_path / "gunicorn.log").read_text()
    assert code == 0, output[-3000:]
    assert re.search(r"Booting worker with pid", output)
    assert '"GET /api/v1/videos/ HTTP/1.1" 200' in output  # the access log goes to stdout
