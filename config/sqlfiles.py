"""Applies the SQL files of migrations_sql/ from Django migrations."""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

SQL_DIR = Path(__file__).resolve().parent.parent / "migrations_sql"
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
