"""Applies SQL files from Django migrations: the one-off changes of migrations_sql/, and each app's
current function and trigger definitions (`<app>/sql/functions.sql`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import migrations

BASE_DIR = Path(__file__).resolve().parent.parent
SQL_DIR = BASE_DIR / "migrations_sql"
REVERSE_MARKER = "-- reverse"


def read_sql_file(name: str) -> tuple[str, str]:
    text = (SQL_DIR / name).read_text(encoding="utf-8")
    forward, marker, reverse = text.partition(REVERSE_MARKER)
    if not marker:
        raise ValueError(f"{name} has no '{REVERSE_MARKER}' section")
    return forward.strip(), reverse.strip()


def run_sql_file(name: str, **kwargs) -> migrations.RunSQL:
    forward, reverse = read_sql_file(name)
    return migrations.RunSQL(forward, reverse, **kwargs)


def definitions_hash(path: str) -> str:
    return hashlib.sha256((BASE_DIR / path).read_bytes()).hexdigest()[:12]


def apply_definitions(path: str, *, sha256: str) -> migrations.RunSQL:
    """Apply a file of CREATE OR REPLACE definitions (a path from the project's root) if it is still the
    text this migration was written for (the first 12 hex digits of its SHA-256). Every edit of the
    file comes with a new migration carrying the new hash; the older ones then apply nothing, so only
    the newest applies the file, after every change to the schema that came before it. A file edited
    without its migration is applied by none, and tests/test_sql_definitions.py finds the database's
    definitions differ from the file's. Undoing the migration keeps the definitions."""
    if definitions_hash(path) != sha256:
        return migrations.RunSQL(migrations.RunSQL.noop, migrations.RunSQL.noop)
    return migrations.RunSQL((BASE_DIR / path).read_text(encoding="utf-8"), migrations.RunSQL.noop)
