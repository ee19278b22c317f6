"""pytest plugin (loaded with -p): with DATABASE_URL unset, run the suite on a throw-away embedded
PostgreSQL in a temporary folder, deleted when the run ends."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords the production way costs ~0.2 s per user; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

if not os.environ.get("DATABASE_URL"):
    from config.embedded import database_url, server_start

    _folder = Path(tempfile.mkdtemp(prefix="vidsearch-test-"))
    # registered before the server's own exit handler, so it runs after it has stopped and deleted data/
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    _server = server_start(pgdata=_folder / "data", cleanup_mode="delete")
    os.environ["DATABASE_URL"] = database_url(server=_server)
