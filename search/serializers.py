from __future__ import annotations

import html
from typing import Any

from rest_framework import serializers

from api.serializers import ChannelSerializer, VideoSerializer
from search.selectors import MARK_CLOSE, MARK_OPEN, Highlight


class QueryEchoSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(allow_blank=True)
    corrected = serializers.CharField(
        allow_null=True, help_text="The corrected query whose results are shown."
    )


class TotalSerializer(serializers.Serializer[Any]):
    value = serializers.IntegerField()
    relation = serializers.ChoiceField(
        choices=["eq", "gte", "estimate"],
        help_text="eq: every match was counted (video search: up to 1,000 matches; channel search: up to "
        "10,000); estimate: past that, the planner's estimate of the matches, rounded to two significant "
        "digits (a query of one word, phrase or OR group); gte: past that, and value is a lower bound (several "
        "words or an exclusion, whose estimate the planner takes as independent, or an estimate below the "
        "count reached).",
    )


class HighlightSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(help_text="HTML: the video's text escaped, matches in <mark>.")
    description = serializers.CharField()


class VideoHitSerializer(VideoSerializer):
    score = serializers.FloatField(allow_null=True, help_text="Relevance score (order=relevance only).")
    highlight = HighlightSerializer(required=False)

    class Meta(VideoSerializer.Meta):
        fields = [*VideoSerializer.Meta.fields, "score", "highlight"]


class FacetValueSerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    count = serializers.IntegerField()


class VideoSearchResponseSerializer(serializers.Serializer[Any]):
    query = QueryEchoSerializer()
    total = TotalSerializer()
    results = VideoHitSerializer(many=True)
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True),
        help_text="Counts over every match when total.relation is eq; else over the 1,001 most viewed "
        "matches (facets_sampled is then true).",
    )
    facets_sampled = serializers.BooleanField(
        help_text="true when the facets count a sample: the 1,001 most viewed matches."
    )
    suggestion = serializers.CharField(allow_null=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    took_ms = serializers.IntegerField()


class ChannelHitSerializer(ChannelSerializer):
    score = serializers.FloatField()

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "score"]


class ChannelSearchResponseSerializer(serializers.Serializer[Any]):
    query = QueryEchoSerializer()
    total = TotalSerializer()
    results = ChannelHitSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    took_ms = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=["title", "tag", "channel"])


class SuggestResponseSerializer(serializers.Serializer[Any]):
    suggestions = SuggestionSerializer(many=True)


def highlight_html(highlight: Highlight) -> dict[str, str]:
    """A video's highlight as the API gives it: its own text escaped as HTML, so that the only tags are
    the <mark>s of the matches."""

    def marked(text: str) -> str:
        escaped = html.escape(text, quote=False)
        return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")

    return {"title": marked(highlight["title"]), "description": marked(highlight["description"])}
