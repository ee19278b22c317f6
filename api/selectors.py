"""Reads of the catalogue."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import F, QuerySet

from api.models import RATING, Channel, Comment, Video
from api.pagination import KeysetPagination

VIDEO_ORDERINGS: dict[str, KeysetPagination] = {
    "date": KeysetPagination(
        name="date", keys=[("published_at", "published_at", datetime), ("id", "id", int)]
    ),
    # by the copy of view_count on the video's trending row, which has the index (migrations_sql/0012)
    "views": KeysetPagination(
        name="views",
        keys=[("view_count", F("counters__view_count"), int), ("id", F("counters__video_id"), int)],
    ),
    "rating": KeysetPagination(name="rating", keys=[("rating", RATING, float), ("id", "id", int)]),
}


def videos_base() -> QuerySet[Video]:
    return Video.objects.select_related("channel").only(
        *(f.name for f in Video._meta.concrete_fields if f.name not in {"created_at", "updated_at"}),
        "channel__id",
        "channel__handle",
        "channel__name",
    )


def video_list(*, order: str) -> QuerySet[Video]:
    """Videos in the given order, newest/most first, `id` breaking ties (a total order for cursors)."""
    queryset = videos_base()
    if order == "rating":
        return queryset.annotate(rating=RATING).order_by("-rating", "-id")
    if order == "views":
        # an inner join (every video has its row), so that the index on the row orders the page
        return queryset.filter(counters__view_count__gte=0).order_by(
            "-counters__view_count", "-counters__video_id"
        )
    return queryset.order_by("-published_at", "-id")


CHANNEL_PAGINATION = KeysetPagination(name="channels", keys=[("id", "id", int)])
COMMENT_PAGINATION = KeysetPagination(
    name="comments", keys=[("created_at", "created_at", datetime), ("id", "id", int)]
)


def channel_list() -> QuerySet[Channel]:
    return Channel.objects.order_by("-id")


def comment_list(*, video_id: int, parent_id: int | None) -> QuerySet[Comment]:
    queryset = Comment.objects.select_related("author").filter(video_id=video_id)
    queryset = queryset.filter(parent_id=parent_id) if parent_id else queryset.filter(parent__isnull=True)
    return queryset.order_by("-created_at", "-id")


def subscriptions_of(*, user: User) -> QuerySet[Channel]:
    return Channel.objects.filter(subscriptions__user=user).order_by("-id")


def user_summary(*, user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "channels": list(user.channels.order_by("id")),
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }
