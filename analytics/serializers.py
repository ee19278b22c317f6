from __future__ import annotations

from typing import Any

from rest_framework import serializers

from analytics.services import DEVICES, MAX_WATCH_SECONDS
from api.serializers import VideoSerializer


class ViewEventSerializer(serializers.Serializer[Any]):
    """The event as documented in the OpenAPI schema; ingestion validates with
    analytics.services.ViewEvent, whose limits it repeats."""

    event_id = serializers.UUIDField()
    video_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    occurred_at = serializers.DateTimeField(help_text="At most 5 minutes ahead, at most 30 days old.")
    watch_seconds = serializers.FloatField(min_value=0, max_value=MAX_WATCH_SECONDS)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_null=True)
    device = serializers.ChoiceField(choices=DEVICES, required=False, allow_null=True)
    viewer_id = serializers.CharField(max_length=128, required=False, allow_null=True, allow_blank=False)


class IngestRequestSerializer(serializers.Serializer[Any]):
    events = ViewEventSerializer(many=True, help_text="1 to 1,000 events.")


class RejectedEventSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    errors = serializers.DictField()  # type: ignore[assignment]  # the field is named as the API names it


class IngestResponseSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField(
        help_text="Events already stored (same event_id): never counted twice."
    )
    rejected = RejectedEventSerializer(many=True)


class TrendingHitSerializer(VideoSerializer):
    rank = serializers.IntegerField()
    score = serializers.FloatField()
    views_in_window = serializers.IntegerField()

    class Meta(VideoSerializer.Meta):
        fields = [*VideoSerializer.Meta.fields, "rank", "score", "views_in_window"]


class TrendingResponseSerializer(serializers.Serializer[Any]):
    window = serializers.ChoiceField(choices=["now", "24h", "7d"])
    generated_at = serializers.DateTimeField()
    results = TrendingHitSerializer(many=True)
