"""The README's shell examples, run as written against a live gunicorn over a small demo catalogue, as a
reader pastes them after `make run`: every block that talks to localhost:8000, in order, in one shell
(the blocks share TOKEN, CHANNEL and VIDEO). Any HTTP error, or any command that fails, fails the test,
so the README cannot drift from the service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from api.models import Channel, Video
from tests.live import ROOT, Gunicorn, database_url_of

README = ROOT / "README.md"
# curl as the README calls it, but an HTTP error is a failure (and nothing waits for ever)
PRELUDE = 'set -euo pipefail\ncurl() { command curl --fail-with-body --max-time 60 "$@"; }\n'


def example_blocks() -> list[str]:
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
    return [block for block in blocks if "localhost:8000" in block]


def test_the_readme_has_examples_to_run():
    blocks = example_blocks()
    assert len(blocks) >= 3
    assert all("curl" in block for block in blocks)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_readme_examples_run_as_written_against_a_live_server(tmp_path):
    # the demo data of `make run`, smaller: the examples use its video 17 and channel 3
    call_command("seed", videos=100, no_progress=True, verbosity=0)
    assert Video.objects.filter(pk=17).exists() and Channel.objects.filter(pk=3).exists()
    database_url = database_url_of(connection.settings_dict)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "readme-test-" + "k" * 50,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    with Gunicorn(
        database_url=database_url, log=tmp_path / "gunicorn.log", THROTTLING="off", CLIENT_CONCURRENCY="1000"
    ) as server:
        script = "\n".join(example_blocks()).replace("localhost:8000", f"127.0.0.1:{server.port}")
        result = subprocess.run(
            ["/bin/bash", "-c", PRELUDE + script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    video = Video.objects.get(title="김치찌개 끓이는 법")
    assert video.channel.handle == "cookingmama" and video.view_count >= 1  # the event was counted
