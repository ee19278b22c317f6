"""docs/API.md, the repository's own API documentation, stays true to the OpenAPI schema generated from
the code: every path and every query parameter the schema has is documented, and every path the
documentation names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "API.md"
PREFIX = "/api/v1"
OPERATIONS_OUTSIDE_V1 = {"/healthz", "/readyz", "/metrics", "/api/schema/", "/api/docs/"}


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


@pytest.fixture
def schema(anon, db) -> dict:
    response = anon.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def documented_path(path: str) -> str:
    """A schema path as the documentation writes it: without /api/v1, `{pk}` as `{id}`."""
    return path.removeprefix(PREFIX).replace("{pk}", "{id}")


def test_every_path_of_the_schema_is_documented(docs, schema):
    missing = [
        path
        for path in schema["paths"]
        if not re.search(rf"`(?:[A-Z]+ )?{re.escape(documented_path(path))}[`?]", docs)
    ]
    assert not missing, f"not in docs/API.md: {missing}"


def test_every_documented_path_exists(docs, schema):
    known = {documented_path(path) for path in schema["paths"]} | OPERATIONS_OUTSIDE_V1
    named = set(re.findall(r"`(?:[A-Z]+ )?((?:/[a-z{][a-z_{}.-]*)+/?)(?:\?[^`]*)?`", docs))
    unknown = sorted(path for path in named if path not in known)
    assert not unknown, f"docs/API.md names paths the service does not have: {unknown}"


def test_every_query_parameter_of_the_schema_is_documented(docs, schema):
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                name = parameter["name"].replace("{key}", "<key>")  # meta.{key}: meta.<key> in the docs
                written = re.search(rf"[`,?] ?{re.escape(name)}[,`=]", docs)
                if not written:
                    missing.append(f"{method.upper()} {path} {name}")
    assert not missing, f"parameters not in docs/API.md: {missing}"


def test_nothing_in_the_project_points_outside_the_repository():
    root = DOCS.parents[1]
    pointing = [
        str(path.relative_to(root))
        for pattern in ("*.md", "*.py", "*.yml", "*.toml", "Makefile", "Dockerfile")
        for path in root.rglob(pattern)
        if not any(part in {".venv", "node_modules", ".git", ".bench", ".pgdata"} for part in path.parts)
        and "../shared" in path.read_text(encoding="utf-8", errors="replace")
        and path != Path(__file__).resolve()
    ]
    assert not pointing, pointing
