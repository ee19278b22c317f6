"""The explorer page and its files are served by the app itself (no CDN), and the vendored Chart.js is the
one pinned in tools/package.json."""

from __future__ import annotations

import json
import re

import pytest

from tests.live import ROOT

VENDORED = ROOT / "explorer" / "static" / "explorer" / "vendor" / "chart.umd.min.js"


@pytest.mark.django_db
def test_the_page_and_every_file_it_loads_come_from_the_app(anon):
    page = anon.get("/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"#?]+)"', html)
    files = [a for a in assets if a.startswith("/static/")]
    assert len(files) >= 4  # css, Chart.js, texts, app
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for path in files:
        response = anon.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body
    assert anon.post("/").status_code == 405
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_vendored_chart_js_is_the_pinned_release():
    pinned = json.loads((ROOT / "tools" / "package.json").read_text())["dependencies"]["chart.js"]
    header = VENDORED.read_bytes()[:200].decode()
    assert f"Chart.js v{pinned}" in header
    installed = ROOT / "tools" / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
    if installed.exists():  # after `npm ci --prefix tools` (make lint, make vendor): byte for byte
        assert installed.read_bytes() == VENDORED.read_bytes()
