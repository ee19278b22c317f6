import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from api.models import Channel, Comment, Reaction, Subscription, Video

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Video.objects.order_by("id").values_list("title", "tags", "language", "category", "like_count")
    )


def test_seed_small_scale_is_consistent_and_deterministic():
    call_command("seed", videos=400, seed=7, no_progress=True)
    assert Video.objects.count() == 400
    languages = set(Video.objects.values_list("language", flat=True))
    assert {"en", "ko"} <= languages and len(languages) >= 4
    assert Video.objects.filter(title__regex=r"[가-힣]").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM api_video v WHERE
                 like_count <> (SELECT count(*) FROM api_reaction r WHERE r.video_id = v.id AND kind = 'like')
              OR dislike_count <> (SELECT count(*) FROM api_reaction r WHERE r.video_id = v.id AND kind = 'dislike')
              OR comment_count <> (SELECT count(*) FROM api_comment c WHERE c.video_id = v.id AND c.deleted_at IS NULL)"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            """SELECT count(*) FROM api_channel c WHERE
                 subscriber_count <> (SELECT count(*) FROM api_subscription s WHERE s.channel_id = c.id)
              OR video_count <> (SELECT count(*) FROM api_video v WHERE v.channel_id = c.id)"""
        )
        assert cursor.fetchone()[0] == 0
    assert Reaction.objects.exists() and Comment.objects.exists() and Subscription.objects.exists()
    assert not Subscription.objects.filter(channel__owner=F("user")).exists()
    views = sorted(Video.objects.values_list("view_count", flat=True))
    assert views[-1] > 20 * views[len(views) // 2]  # a long tail

    first = snapshot()
    with pytest.raises(CommandError):
        call_command("seed", videos=10, no_progress=True)
    call_command("seed", videos=400, seed=7, reset=True, no_progress=True)
    assert snapshot() == first
    assert Channel.objects.count() == 10


def test_seed_bulk_path_rebuilds_indexes(settings):
    from api import seeding as seed

    before = index_names()
    original = seed.BULK_INDEX_THRESHOLD
    seed.BULK_INDEX_THRESHOLD = 10
    try:
        call_command("seed", videos=50, no_progress=True)
    finally:
        seed.BULK_INDEX_THRESHOLD = original
    assert index_names() == before
    assert Video.objects.count() == 50


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('api_video', 'api_comment', 'api_reaction')"
        )
        return {row[0] for row in cursor.fetchall()}
