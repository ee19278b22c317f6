from __future__ import annotations

import html
from typing import Any

from rest_framework import serializers

from api.serializers import ChannelSerializer, VideoSerializer
from search.models import Synonym
from search.selectors import MARK_CLOSE, MARK_OPEN, Highlight
from search.synonyms import MAX_TERM_LENGTH, MAX_TERM_WORDS, MAX_TERMS, synonym_key


class SynonymUsedSerializer(serializers.Serializer[Any]):
    term = serializers.CharField(help_text="A term of the query (a word, a phrase, or words that spell one).")
    expanded = serializers.ListField(child=serializers.CharField(), help_text="What it also found.")


class QueryEchoSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(allow_blank=True)
    corrected = serializers.CharField(
        allow_null=True, help_text="The corrected query whose results are shown."
    )
    synonyms = SynonymUsedSerializer(many=True, help_text="The synonym expansions used; empty when none.")


class SynonymTermField(serializers.CharField):
    """A term of a synonym set: a word or a phrase of up to MAX_TERM_WORDS words, spaces collapsed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_TERM_LENGTH, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("A term is a string.")
        text = " ".join(str(super().to_internal_value(data)).split())
        if not synonym_key(text) or not any(c.isalnum() for c in text):
            raise serializers.ValidationError("A term needs at least one letter or digit.")
        if '"' in text:
            raise serializers.ValidationError("A term may not hold quotes: a phrase is its words.")
        if len(text.split()) > MAX_TERM_WORDS:
            raise serializers.ValidationError(f"A term is at most {MAX_TERM_WORDS} words.")
        return text


def distinct_terms(terms: list[str]) -> list[str]:
    """The terms without repeats (as search matches them: case, accents and spacing aside)."""
    return list({synonym_key(term): term for term in reversed(terms)}.values())[::-1]


class SynonymSerializer(serializers.ModelSerializer[Synonym]):
    terms = serializers.ListField(
        child=SynonymTermField(),
        min_length=1,
        max_length=MAX_TERMS,
        help_text="Words or phrases. Without expands_to, each finds the others (at least two).",
    )
    expands_to = serializers.ListField(
        child=SynonymTermField(),
        max_length=MAX_TERMS,
        required=False,
        default=list,
        help_text="One-way: each of `terms` also finds these, not the reverse.",
    )

    class Meta:
        model = Synonym
        fields = ["id", "terms", "expands_to", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        terms, expands_to = distinct_terms(attrs["terms"]), distinct_terms(attrs.get("expands_to", []))
        if not expands_to and len(terms) < 2:
            raise serializers.ValidationError(
                {"terms": ["A multi-way set needs two terms or more; a one-way one needs expands_to."]}
            )
        return {"terms": terms, "expands_to": expands_to}


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


class RelatedHitSerializer(VideoSerializer):
    score = serializers.FloatField(help_text="How alike: shared rare words and tags, channel, language.")

    class Meta(VideoSerializer.Meta):
        fields = [*VideoSerializer.Meta.fields, "score"]


class RelatedResponseSerializer(serializers.Serializer[Any]):
    video = serializers.IntegerField(help_text="The video they are like.")
    results = RelatedHitSerializer(many=True)


class SearchClickRequestSerializer(serializers.Serializer[Any]):
    event_id = serializers.UUIDField(help_text="Makes the click idempotent: sent again, it counts once.")
    query = serializers.CharField(
        max_length=200, help_text="The query as searched (normalised: case, spaces)."
    )
    video_id = serializers.IntegerField(min_value=1)
    position = serializers.IntegerField(min_value=1, max_value=10_000, help_text="1 for the first result.")
    occurred_at = serializers.DateTimeField(help_text="Within the last 30 days, at most 5 minutes ahead.")


class SearchClicksRequestSerializer(serializers.Serializer[Any]):
    clicks = SearchClickRequestSerializer(many=True, help_text="1 to 1,000 clicks.")


class SearchClicksResponseSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text="Clicks already stored (the same event_id).")
    rejected = serializers.ListField(
        child=serializers.DictField(), help_text="{index, errors} of each bad click."
    )


class TopQuerySerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    searches = serializers.IntegerField()
    clicks = serializers.IntegerField()
    click_through = serializers.FloatField(help_text="Clicks per search.")
    mean_click_position = serializers.FloatField(allow_null=True)


class QueryCountSerializer(serializers.Serializer[Any]):
    query = serializers.CharField()
    searches = serializers.IntegerField()


class CorrectedQuerySerializer(QueryCountSerializer):
    corrected = serializers.CharField(help_text="The correction shown most often.")


class TookSerializer(serializers.Serializer[Any]):
    p50 = serializers.IntegerField(allow_null=True)
    p95 = serializers.IntegerField(allow_null=True)


class SearchAnalyticsSerializer(serializers.Serializer[Any]):
    window = serializers.ChoiceField(choices=["24h", "7d", "30d"])
    searches = serializers.IntegerField()
    top_queries = TopQuerySerializer(many=True)
    zero_result_queries = QueryCountSerializer(many=True)
    corrected_queries = CorrectedQuerySerializer(many=True)
    took_ms = TookSerializer()
