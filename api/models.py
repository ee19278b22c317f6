"""The catalogue: channels, videos, comments, reactions, subscriptions.

Counters (subscriber, like, dislike, comment, view counts) are denormalised onto their rows and changed only
by the services, in the transaction of the change they count.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

HANDLE_PATTERN = r"^[a-z0-9_.-]{3,30}$"
# Bayesian average of likes (one prior like and one prior dislike): a 1/1 video does not outrank 950/1000.
# Indexed (video_rating_idx), so that order=rating walks an index instead of sorting every video.
RATING = ExpressionWrapper(
    (Cast(F("like_count"), FloatField()) + 1.0) / (F("like_count") + F("dislike_count") + 2.0),
    output_field=FloatField(),
)


class Category(models.TextChoices):
    FILM = "film"
    AUTOS = "autos"
    MUSIC = "music"
    PETS = "pets"
    SPORTS = "sports"
    TRAVEL = "travel"
    GAMING = "gaming"
    PEOPLE = "people"
    COMEDY = "comedy"
    ENTERTAINMENT = "entertainment"
    NEWS = "news"
    HOWTO = "howto"
    EDUCATION = "education"
    SCIENCE = "science"
    NONPROFIT = "nonprofit"


class Channel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels")
    handle = models.CharField(max_length=30, unique=True, validators=[RegexValidator(HANDLE_PATTERN)])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="", max_length=5000)
    country = models.CharField(max_length=2, blank=True, default="")
    subscriber_count = models.BigIntegerField(default=0)
    video_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(subscriber_count__gte=0), name="channel_subscribers_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"


# The fields of a video its channel's owner writes (create and edit), in the API's order.
VIDEO_WRITABLE_FIELDS = (
    "title",
    "description",
    "tags",
    "category",
    "language",
    "region",
    "duration_s",
    "published_at",
    "metadata",
)


class Video(models.Model):
    # No index of its own: video_channel_published_idx starts with channel_id and serves the same lookups
    # (one index fewer to write on every update of the row).
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="videos", db_index=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="", max_length=10_000)
    tags = ArrayField(models.CharField(max_length=64), default=list, blank=True, size=50)
    category = models.CharField(max_length=20, choices=Category.choices)
    language = models.CharField(max_length=2, blank=True, default="")
    region = models.CharField(max_length=2, blank=True, default="")
    duration_s = models.IntegerField(validators=[MinValueValidator(0), MaxValueValidator(86_400)], default=0)
    published_at = models.DateTimeField(default=timezone.now)
    metadata = models.JSONField(default=dict, blank=True)
    # Ordered by through analytics_video_trending.view_count, a copy kept by triggers
    # (migrations_sql/0012): no index here, so that ingestion's updates of this column are HOT.
    view_count = models.BigIntegerField(default=0)
    like_count = models.BigIntegerField(default=0)
    dislike_count = models.BigIntegerField(default=0)
    comment_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="video_published_idx"),
            models.Index(fields=["channel", "-published_at", "-id"], name="video_channel_published_idx"),
            GinIndex(fields=["tags"], name="video_tags_gin"),
            GinIndex(fields=["metadata"], name="video_metadata_gin", opclasses=["jsonb_path_ops"]),
            # every equality and duration filter of the list, in any combination (btree_gin): a bitmap of
            # the few matches of a rare combination, not a walk down the order's index past all the others
            GinIndex(fields=["category", "language", "region", "duration_s"], name="video_filters_gin"),
            # Not on view_count: ingestion's updates of it stay HOT (its copy on the trending row orders).
            models.Index(RATING.desc(), F("id").desc(), name="video_rating_idx"),
            # `top` by likes or comments over long ranges walks videos down their counts (analytics.reports)
            models.Index(F("like_count").desc(), F("id").desc(), name="video_likes_idx"),
            models.Index(F("comment_count").desc(), F("id").desc(), name="video_comments_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_s__gte=0, duration_s__lte=86_400), name="video_duration_range"
            ),
            models.CheckConstraint(
                condition=Q(like_count__gte=0, dislike_count__gte=0, comment_count__gte=0, view_count__gte=0),
                name="video_counters_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    text = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # set when a comment with replies is deleted: it stays, emptied, to hold its thread (services.comment_delete)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["video", "-created_at", "-id"], name="comment_video_created_idx"),
            models.Index(fields=["parent", "-created_at", "-id"], name="comment_parent_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like"
        DISLIKE = "dislike"

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "user"], name="reaction_one_per_user")]
        indexes = [models.Index(fields=["video", "created_at"], name="reaction_video_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} on {self.video_id}"


class Subscription(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="subscription_one_per_user")]
        indexes = [models.Index(fields=["channel"], name="subscription_channel_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.channel_id}"
