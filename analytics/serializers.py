from __future__ import annotations

from rest_framework import serializers

from analytics.services import ViewEventSerializer
from api.serializers import VideoSerializer


class IngestRequestSerializer(serializers.Serializer):
    events = ViewEventSerializer(many=True, help_text="1 to 1,000 events.")


class RejectedEventSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    errors = serializers.DictField()


class IngestResponseSerializer(serializers.Serializer):
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


class TrendingResponseSerializer(serializers.Serializer):
    window = serializers.ChoiceField(choices=["now", "24h", "7d"])
    generated_at = serializers.DateTimeField()
    results = TrendingHitSerializer(many=True)
