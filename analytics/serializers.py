from __future__ import annotations

from typing import Any

from rest_framework import serializers

from analytics.services import MAX_EVENTS, ViewEvent
from api.serializers import VideoSerializer


def openapi_schema(json_schema: Any) -> Any:
    """A JSON Schema of pydantic's (2020-12) in the dialect of OpenAPI 3.0: `anyOf` with null becomes
    `nullable`, titles and null defaults go."""
    if isinstance(json_schema, list):
        return [openapi_schema(item) for item in json_schema]
    if not isinstance(json_schema, dict):
        return json_schema
    schema = {
        key: openapi_schema(value)
        for key, value in json_schema.items()
        if key != "title" and not (key == "default" and value is None)
    }
    options = schema.get("anyOf", [])
    if {"type": "null"} in options and len(options) == 2:
        del schema["anyOf"]
        schema.update(next(option for option in options if option != {"type": "null"}), nullable=True)
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def event_schemas(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the components of the ingestion request, from the one
    schema of an event (analytics.services.ViewEvent)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ViewEventRequest"] = openapi_schema(ViewEvent.model_json_schema())
    schemas["IngestRequestRequest"] = INGEST_REQUEST
    for path in result.get("paths", {}).values():
        for operation in path.values():
            body = operation.get("requestBody", {}) if isinstance(operation, dict) else {}
            if body.get("content") == {
                "application/json": {"schema": INGEST_REQUEST_BODY["application/json"]}
            }:
                body["required"] = True
    return result


INGEST_REQUEST = {
    "type": "object",
    "properties": {
        "events": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/ViewEventRequest"},
            "minItems": 1,
            "maxItems": MAX_EVENTS,
            "description": f"1 to {MAX_EVENTS:,} events.",
        }
    },
    "required": ["events"],
}
INGEST_REQUEST_BODY = {"application/json": {"$ref": "#/components/schemas/IngestRequestRequest"}}


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
