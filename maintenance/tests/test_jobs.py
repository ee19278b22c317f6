"""The periodic jobs: suggestions follow the catalogue, each job runs on one host at a time and when due,
its state survives the process, and `manage.py maintain` keeps suggestions current with no scheduler."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from api import services
from maintenance.jobs import JOBS, Job, is_due, run_if_due, status
from maintenance.models import JobState
from search.services import suggestions_rebuild, suggestions_refresh
from tests.live import ROOT, Gunicorn, call, database_url_of

pytestmark = pytest.mark.django_db


def suggested(anon, prefix: str) -> list[str]:
    return [s["text"] for s in anon.get("/api/v1/search/suggest", {"q": prefix}).json()["suggestions"]]


def test_new_edited_and_deleted_texts_reach_suggestions_at_the_next_refresh(anon, make_video, channel):
    make_video(title="Bibimbap at home", tags=["bibimbap"])
    suggestions_rebuild()
    assert suggestions_refresh() == 0
    made = make_video(title="Zucchini pancakes", tags=["zucchini jeon", "bibimbap"])
    assert "zucchini jeon" not in suggested(anon, "zucc")  # not before the refresh
    assert suggestions_refresh() >= 2
    assert "zucchini jeon" in suggested(anon, "zucc")
    assert "zucchini jeon" in suggested(anon, "jeon")  # a later word completes too
    assert "zucchini jeon" in suggested(anon, "z")  # the one-letter prefixes' top list follows
    services.video_update(video=made, tags=["hobak jeon"])
    suggestions_refresh()
    assert "zucchini jeon" not in suggested(anon, "zucc")
    assert "hobak jeon" in suggested(anon, "hobak")
    assert "bibimbap" in suggested(anon, "bibim")  # still the tag of another video
    services.channel_update(channel=channel, name="Mama Kitchen")
    suggestions_refresh()
    assert "Mama Kitchen" in suggested(anon, "mama k")
    assert "Cooking Mama" not in suggested(anon, "cooking")
    made.delete()
    suggestions_refresh()
    assert "hobak jeon" not in suggested(anon, "hobak")


def test_a_refresh_gives_what_a_rebuild_gives(make_video):
    for n in range(6):
        make_video(title=f"Tteokbokki {n}", tags=["tteokbokki", f"street food {n % 2}"])
    suggestions_refresh()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, text, kind, weight FROM search_suggestion ORDER BY 1, 2")
        refreshed = cursor.fetchall()
        cursor.execute("SELECT prefix, text, kind, weight FROM search_suggestion_top ORDER BY 1, 2")
        refreshed_top = cursor.fetchall()
    suggestions_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, text, kind, weight FROM search_suggestion ORDER BY 1, 2")
        assert cursor.fetchall() == refreshed
        cursor.execute("SELECT prefix, text, kind, weight FROM search_suggestion_top ORDER BY 1, 2")
        assert cursor.fetchall() == refreshed_top


def test_a_job_runs_when_due_and_on_one_host_at_a_time():
    ran = []
    job = Job("test_job", 60, lambda: ran.append(1) or "did it")
    assert run_if_due(job)
    state = JobState.objects.get(name="test_job")
    assert state.runs == 1 and state.last_ok and state.last_message == "did it"
    assert not run_if_due(job)  # ran less than 60 s ago
    JobState.objects.filter(name="test_job").update(
        last_finished_at=datetime.now(UTC) - timedelta(seconds=61)
    )
    assert is_due(job, datetime.now(UTC))
    other = connections.create_connection("default")  # another host holding the job's lock
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [job.lock_key])
            assert not run_if_due(job)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job.lock_key])
    finally:
        other.close()
    assert run_if_due(job) and ran == [1, 1]


def test_a_failing_job_is_recorded_and_the_others_go_on():
    def broken() -> None:
        raise RuntimeError("no disk")

    assert run_if_due(Job("broken_job", 60, broken))
    state = JobState.objects.get(name="broken_job")
    assert not state.last_ok and "no disk" in state.last_message


def test_every_job_runs_and_readyz_reports_their_lag(anon):
    for job in JOBS:
        assert run_if_due(job), job.name
    assert all(s.last_ok for s in JobState.objects.all()), [s.last_message for s in JobState.objects.all()]
    body = anon.get("/readyz").json()
    assert set(body["maintenance"]) == {job.name for job in JOBS}
    assert all(entry["lag_s"] == 0 for entry in body["maintenance"].values()), body
    assert status()["suggestions_refresh"]["every_s"] == 10


def test_once_with_a_job_runs_that_job_only(make_video):
    """`maintain --once --job trending_snapshots`, as the service runs it before its first request: the
    snapshots are made, no other job runs."""
    from django.core.management import call_command

    make_video(title="snapshot")
    call_command("maintain", once=True, job=["trending_snapshots"], stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert set(JobState.objects.values_list("name", flat=True)) == {"trending_snapshots"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT window_name FROM analytics_trending_snapshot ORDER BY 1")
        assert [row[0] for row in cursor.fetchall()] == ["24h", "7d"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_brings_a_new_tag_to_suggestions_within_a_minute(tmp_path, owner):
    url = database_url_of(connection.settings_dict)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "live-test-" + "k" * 50,
    }
    token = services.token_for(user=owner)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "maintain", "--tick", "0.5"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        with Gunicorn(database_url=url, log=tmp_path / "gunicorn.log", THROTTLING="off") as server:
            status_code, channel = call(
                server.port, "POST", "/api/v1/channels/", {"handle": "worker", "name": "Worker"}, token=token
            )
            assert status_code == 201
            body = {
                "channel": channel["id"],
                "title": "Gochujang glaze",
                "category": "howto",
                "language": "en",
                "region": "US",
                "duration_s": 60,
                "tags": ["gochujang glaze"],
            }
            assert call(server.port, "POST", "/api/v1/videos/", body, token=token)[0] == 201
            created = time.monotonic()
            while time.monotonic() - created < 60:
                found = call(server.port, "GET", "/api/v1/search/suggest?q=gochu")[1]["suggestions"]
                if any(s["text"] == "gochujang glaze" for s in found):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"no suggestion within 60 s:\n{(tmp_path / 'worker.log').read_text()[-2000:]}")
            assert time.monotonic() - created < 20  # the job runs every 10 s
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) == 0  # SIGTERM: finishes the job at hand and exits
