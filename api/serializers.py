from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from confusable_homoglyphs import confusables
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import HANDLE_PATTERN, VIDEO_WRITABLE_FIELDS, Category, Channel, Comment, Reaction, Video

METADATA_MAX_BYTES = 16 * 1024
METADATA_MAX_DEPTH = 32


def json_depth(value, limit: int = METADATA_MAX_DEPTH + 1) -> int:
    """How deep `value` nests, counted without recursion and only up to `limit`."""
    depth, level = 0, [value]
    while level and depth < limit:
        depth += 1
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
    return depth


class StrictCharField(serializers.CharField):
    """A string, never a number or boolean coerced into one, and never with NUL characters."""

    default_error_messages = {"null_character": "NUL characters are not allowed."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


CODE_VALIDATOR = RegexValidator(r"^[A-Za-z]{2}$", "Expected a two-letter code.")


class CodeField(StrictCharField):
    def __init__(self, *, upper: bool, **kwargs):
        self.upper = upper
        kwargs.setdefault("validators", [CODE_VALIDATOR])  # also the schema's `pattern`
        super().__init__(min_length=2, max_length=2, allow_blank=True, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if (value and not value.isascii()) or (value and not value.isalpha()):
            raise serializers.ValidationError("Expected a two-letter code.")
        return value.upper() if self.upper else value.lower()


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class RegisterSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, write_only=True, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate_username(self, value: str) -> str:
        User.username_validator(value)
        if confusables.is_dangerous(value):  # `sec_\u0430lice` (a Cyrillic a), posing as `sec_alice`
            raise serializers.ValidationError("This username mixes scripts whose letters look alike.")
        return value

    def validate(self, attrs):
        try:
            validate_password(attrs["password"], User(username=attrs["username"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class ChannelSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "handle", "name"]


class ChannelSerializer(serializers.ModelSerializer):
    handle = serializers.RegexField(HANDLE_PATTERN, max_length=30)
    name = StrictCharField(min_length=1, max_length=100)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True)
    country = CodeField(upper=True, required=False)
    owner = serializers.IntegerField(source="owner_id", read_only=True)

    class Meta:
        model = Channel
        fields = [
            "id",
            "handle",
            "name",
            "description",
            "country",
            "owner",
            "subscriber_count",
            "video_count",
            "created_at",
        ]
        read_only_fields = ["subscriber_count", "video_count", "created_at"]


class ChannelUpdateSerializer(ChannelSerializer):
    """A handle is fixed once the channel is created: links to @handle never change owner, and a handle
    given up cannot be squatted. Sending the channel's own handle back is accepted; any other is a 400,
    never a 200 that silently kept the old one."""

    def validate_handle(self, value: str) -> str:
        if self.instance is not None and value != self.instance.handle:
            raise serializers.ValidationError("A channel's handle is fixed once the channel is created.")
        return value


@extend_schema_field(
    {"type": "object", "additionalProperties": True, "description": "At most 16 KiB as JSON."}
)
class MetadataField(serializers.JSONField):
    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a JSON object.")
        if json_depth(data) > METADATA_MAX_DEPTH:
            raise serializers.ValidationError(
                f"Metadata is nested more than {METADATA_MAX_DEPTH} levels deep."
            )
        if len(json.dumps(data, ensure_ascii=False).encode()) > METADATA_MAX_BYTES:
            raise serializers.ValidationError(
                f"Ensure metadata is at most {METADATA_MAX_BYTES} bytes as JSON."
            )
        if "\\u0000" in json.dumps(data):
            raise serializers.ValidationError("NUL characters are not allowed.")
        return data


EARLIEST_PUBLISHED = datetime(2005, 1, 1, tzinfo=UTC)
PUBLISHED_AHEAD = timedelta(minutes=5)


class VideoSerializer(serializers.ModelSerializer):
    channel = ChannelSummarySerializer(read_only=True)
    title = StrictCharField(min_length=1, max_length=200)
    description = StrictCharField(max_length=10_000, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=StrictCharField(min_length=1, max_length=64), max_length=50, required=False
    )
    category = serializers.ChoiceField(choices=Category.choices)
    language = CodeField(upper=False, required=False)
    region = CodeField(upper=True, required=False)
    duration_s = StrictIntegerField(min_value=0, max_value=86_400, required=False)
    metadata = MetadataField(required=False)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id",
            "channel",
            *VIDEO_WRITABLE_FIELDS,
            "view_count",
            "like_count",
            "dislike_count",
            "comment_count",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = ["view_count", "like_count", "dislike_count", "comment_count"]

    def get_url(self, video: Video) -> str:
        return settings.VIDEO_URL_TEMPLATE.format(id=video.pk)

    def validate_published_at(self, value: datetime) -> datetime:
        """From 2005 (the first video on the web's video sites) to five minutes ahead: a date past that
        would head every date-ordered list."""
        if not EARLIEST_PUBLISHED <= value <= timezone.now() + PUBLISHED_AHEAD:
            raise serializers.ValidationError(
                f"Expected a time from {EARLIEST_PUBLISHED:%Y-%m-%d} to five minutes from now."
            )
        return value

    def get_thumbnail_url(self, video: Video) -> str:
        return settings.THUMBNAIL_URL_TEMPLATE.format(id=video.pk)


class VideoCreateSerializer(VideoSerializer):
    channel = StrictIntegerField(min_value=1, write_only=True)  # type: ignore[assignment]  # an id to write

    class Meta(VideoSerializer.Meta):
        pass


class ReactionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)


class ReactionStateSerializer(serializers.Serializer):
    video = serializers.IntegerField()
    kind = serializers.CharField(allow_null=True)
    like_count = serializers.IntegerField()
    dislike_count = serializers.IntegerField()


class CommentAuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]


class CommentSerializer(serializers.ModelSerializer):
    """A deleted comment that still holds replies is shown with `deleted` true, no text and no author."""

    author = CommentAuthorSerializer(read_only=True, allow_null=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)
    text = StrictCharField(min_length=1, max_length=10_000)
    parent = StrictIntegerField(  # type: ignore[assignment]  # the API's name for the parent comment's id
        source="parent_id", required=False, allow_null=True, min_value=1
    )
    video = serializers.IntegerField(source="video_id", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "video", "parent", "author", "text", "deleted", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance: Comment) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.is_deleted:
            data["author"] = None
            data["text"] = ""
        return data


class CommentUpdateSerializer(serializers.Serializer):
    text = StrictCharField(min_length=1, max_length=10_000)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    channels = ChannelSummarySerializer(many=True)
    groups = serializers.ListField(child=serializers.CharField())


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorSerializer(serializers.Serializer):
    """The envelope of every error (API.md, Errors)."""

    error = ErrorDetailSerializer()


@functools.cache
def _reader(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    return serializer_class()


def _timestamp(value: datetime | None) -> str | None:
    """A time as DRF's DateTimeField gives it: ISO 8601 in UTC, `Z` for the offset."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def video_data(video: Video) -> dict:
    """`VideoSerializer().to_representation(video)`, written out: a page of 20 search results took
    5 ms through DRF's field machinery and takes 0.2 ms here (a test checks the two agree)."""
    channel = video.channel
    return {
        "id": video.pk,
        "channel": {"id": channel.pk, "handle": channel.handle, "name": channel.name},
        "title": video.title,
        "description": video.description,
        "tags": list(video.tags),
        "category": video.category,
        "language": video.language,
        "region": video.region,
        "duration_s": video.duration_s,
        "published_at": _timestamp(video.published_at),
        "metadata": video.metadata,
        "view_count": video.view_count,
        "like_count": video.like_count,
        "dislike_count": video.dislike_count,
        "comment_count": video.comment_count,
        "url": settings.VIDEO_URL_TEMPLATE.format(id=video.pk),
        "thumbnail_url": settings.THUMBNAIL_URL_TEMPLATE.format(id=video.pk),
    }


# Serializers whose representation is written out above, for the lists that read many rows.
WRITTEN_OUT: dict[type[serializers.Serializer[Any]], Callable[[Any], dict[str, Any]]] = {
    VideoSerializer: video_data
}


def represent(serializer_class: type[serializers.Serializer], instances) -> list[dict]:
    """`serializer_class(instances, many=True).data` for these context-free serializers: through the
    written-out representation where there is one, else with the serializer's fields built once per
    process (DRF builds a ModelSerializer's fields anew for every serializer instance, about 1 ms for a
    video and its channel, though they keep no state)."""
    written_out = WRITTEN_OUT.get(serializer_class)
    if written_out is not None:
        return [written_out(instance) for instance in instances]
    reader = _reader(serializer_class)
    return [reader.to_representation(instance) for instance in instances]
