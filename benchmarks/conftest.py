"""Benchmarks run against an already seeded database (DATABASE_URL, or the embedded one), never against
a test database: `make bench` seeds it first at BENCH_VIDEOS (default 1,000,000)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup():
    """Use the configured database as it is (seeded by `make bench`), not a fresh test database."""


@pytest.fixture(scope="session", autouse=True)
def _db_access(django_db_blocker):
    with django_db_blocker.unblock():
        yield
