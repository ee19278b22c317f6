"""Known-item search on a seeded catalogue of 100,000 videos: a video whose title and channel name
together are unique is in the top 10 when searched by them, whatever its views (issue 15)."""

from __future__ import annotations

import pytest
from django.db import connection

PER_TIER = 3  # videos drawn from each popularity tier


@pytest.fixture(scope="module")
def known_items(catalogue_100k, django_db_blocker) -> list[tuple[int, str, int]]:
    """Videos whose title and channel name are unique together, from every popularity tier (the least
    viewed included): (video id, query, views), chosen by id so that the draw is the same every run."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH unique_pairs AS (
                SELECT min(v.id) AS id FROM api_video v JOIN api_channel c ON c.id = v.channel_id
                GROUP BY v.title, c.name HAVING count(*) = 1
            ), tiered AS (
                SELECT v.id, v.title || ' ' || c.name AS q, v.view_count,
                       row_number() OVER (PARTITION BY vs_pop_tier(v.view_count) ORDER BY v.id) AS nth
                FROM unique_pairs u JOIN api_video v ON v.id = u.id JOIN api_channel c ON c.id = v.channel_id
            )
            SELECT id, q, view_count FROM tiered WHERE nth <= %(per_tier)s ORDER BY view_count, id
            """,
            {"per_tier": PER_TIER},
        )
        return cursor.fetchall()


def test_a_video_is_found_by_its_title_and_channel_name(known_items, db, anon):
    assert len(known_items) >= 10 * PER_TIER  # ten tiers or more: a 100-fold range of views and more
    assert min(views for _, _, views in known_items) < 10  # the long tail is in the draw
    missed = []
    for video_id, q, views in known_items:
        body = anon.get("/api/v1/search/videos", {"q": q[:200], "page_size": 10}).json()
        if video_id not in [hit["id"] for hit in body["results"]]:
            missed.append((video_id, q, views, body["total"]))
    assert not missed, missed
