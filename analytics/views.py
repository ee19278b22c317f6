"""Analytics endpoints (API.md, Analytics)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import export, params, query, realtime, reports, selectors, services
from analytics.permissions import ANALYSTS, CanIngest, IsAnalyst, in_group
from analytics.serializers import (
    INGEST_REQUEST_BODY,
    IngestResponseSerializer,
    TrendingResponseSerializer,
)
from api.errors import InvalidParameter
from api.filters import code_field
from api.models import Category, Channel, Video
from api.observability import INGESTED_EVENTS
from api.params import choice_param, id_param, int_param, list_param
from api.serializers import VideoSerializer, represent
from api.views import ERRORS

LIMIT_100 = OpenApiParameter(
    "limit", {"type": "integer", "minimum": 1, "maximum": 100}, description="1-100, default 20."
)


class ViewEventsView(APIView):
    throttle_scope = "ingest"
    permission_classes = [CanIngest]

    @extend_schema(request=INGEST_REQUEST_BODY, responses={202: IngestResponseSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("events"), list):
            raise ValidationError({"events": ["Expected a JSON object with an 'events' list."]})
        events = body["events"]
        if not 1 <= len(events) <= services.MAX_EVENTS:
            raise ValidationError({"events": [f"Send between 1 and {services.MAX_EVENTS} events a request."]})
        result = services.events_ingest(raw_events=events)
        INGESTED_EVENTS.labels("accepted").inc(result.accepted)
        INGESTED_EVENTS.labels("duplicate").inc(result.duplicates)
        INGESTED_EVENTS.labels("rejected").inc(len(result.rejected))
        return Response(
            {"accepted": result.accepted, "duplicates": result.duplicates, "rejected": result.rejected},
            status=status.HTTP_202_ACCEPTED,
        )


class TrendingView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "window",
                OpenApiTypes.STR,
                enum=list(selectors.WINDOWS),
                description="now (default): views decayed with a 6-hour half-life; 24h, 7d: views in "
                "the window.",
            ),
            OpenApiParameter("region", OpenApiTypes.STR),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("language", OpenApiTypes.STR),
            LIMIT_100,
        ],
        responses={200: TrendingResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        window = choice_param(request, "window", selectors.WINDOWS, "now")
        region = list_param(request, "region", code_field())
        language = list_param(request, "language", code_field())
        category = list_param(request, "category", forms.ChoiceField(choices=Category.choices))
        query = {
            "window": window,
            "limit": int_param(request, "limit", default=20, low=1, high=100),
            "region": sorted(r.upper() for r in region) if region else None,
            "language": sorted(lang.lower() for lang in language) if language else None,
            "category": sorted(category) if category else None,
        }
        # The list is the same for everyone: answered from a per-process cache for a few seconds
        # (API.md: accepted events show in trending within 60 seconds), and cacheable downstream.
        ttl = settings.ANALYTICS_TRENDING_CACHE_SECONDS
        key = "trending:" + json.dumps(query, sort_keys=True, separators=(",", ":"))
        body = cache.get(key) if ttl else None
        if body is None:
            body = self.trending_body(query)
            if ttl:
                cache.set(key, body, ttl)
        response = Response(body)
        response["Cache-Control"] = f"public, max-age={ttl}" if ttl else "no-cache"
        return response

    @staticmethod
    def trending_body(query: dict[str, Any]) -> dict[str, Any]:
        rows = selectors.trending(**query)
        videos = represent(VideoSerializer, [row["video"] for row in rows])
        results = [
            {**video, "rank": row["rank"], "score": row["score"], "views_in_window": row["views_in_window"]}
            for video, row in zip(videos, rows, strict=True)
        ]
        return {"window": query["window"], "generated_at": datetime.now(UTC), "results": results}


REPORT_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="Inclusive; default 27 days before end."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Inclusive; default today (UTC)."),
    OpenApiParameter(
        "granularity",
        OpenApiTypes.STR,
        enum=list(reports.GRANULARITIES),
        description="Default day; hourly spans at most 31 days; ranges at most 3 years.",
    ),
    OpenApiParameter("metrics", OpenApiTypes.STR, description=f"Comma list of {', '.join(query.METRICS)}."),
    OpenApiParameter(
        "dimension",
        OpenApiTypes.STR,
        enum=[*reports.DIMENSIONS, query.RETENTION_DIMENSION],
        description="A breakdown by viewer country or device instead of a series; elapsed_ratio (a "
        "video's): the share of its views still watching at each tenth of it.",
    ),
]
QUERY_MODEL_PARAMETERS = [
    OpenApiParameter(
        "dimensions",
        OpenApiTypes.STR,
        description=f"Up to two of {', '.join(query.DIMENSIONS)}, a time dimension first; time series are "
        f"gap-free for each of the second dimension's {query.SERIES_VALUES} values with the most of the sort "
        "metric.",
    ),
    OpenApiParameter(
        "filters",
        OpenApiTypes.STR,
        description="`field==a,b;field2==c` (`;` AND, `,` OR) on " + ", ".join(query.FILTER_FIELDS) + ".",
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        description="Comma list of metrics or dimensions, `-` for descending; default the first metric "
        "descending (time ascending for a series).",
    ),
    OpenApiParameter("max_results", {"type": "integer", "minimum": 1, "maximum": query.MAX_RESULTS}),
    OpenApiParameter("start_index", {"type": "integer", "minimum": 1}, description="1-based; default 1."),
    OpenApiParameter(
        "compare",
        OpenApiTypes.STR,
        enum=list(query.COMPARE),
        description="Adds <metric>_previous and <metric>_change for the earlier range, bucket by bucket.",
    ),
    OpenApiParameter(
        "format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: text/csv (also by Accept)."
    ),
]


class ReportSerializer(serializers.Serializer[Any]):
    columns = serializers.ListField(child=serializers.DictField())
    rows = serializers.ListField(child=serializers.ListField())
    totals = serializers.DictField()
    estimated = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="The metrics given as estimates (a large channel's unique_viewers), when any is.",
    )
    total_rows = serializers.IntegerField(
        required=False, help_text="With a time dimension: the rows before max_results and start_index."
    )
    compare = serializers.DictField(
        required=False, help_text='With compare: {"kind": ..., "start": ..., "end": ...}, the earlier range.'
    )


def may_read_reports(user: Any, owner_id: int) -> bool:
    return bool(user.is_authenticated and (user.pk == owner_id or in_group(user, ANALYSTS)))


def _report(request: Request, scope: query.Scope, filename: str) -> Response | StreamingHttpResponse:
    """A video's, a channel's or the catalogue's report: the query model when the request uses it (or
    for the catalogue), else the series or breakdown of the first parameters."""
    today = datetime.now(UTC).date()
    dimension = str(request.query_params.get("dimension") or "")
    if (
        scope.kind == "catalogue"
        or dimension == query.RETENTION_DIMENSION
        or params.uses_query_model(request)
    ):
        granularity = str(request.query_params.get("granularity") or "day")
        if dimension and dimension not in (*reports.DIMENSIONS, query.RETENTION_DIMENSION):
            choices = ", ".join((*reports.DIMENSIONS, query.RETENTION_DIMENSION))
            raise InvalidParameter({"dimension": [f"Expected one of: {choices}."]})
        if granularity not in reports.GRANULARITIES:
            raise InvalidParameter({"granularity": [f"Expected one of: {', '.join(reports.GRANULARITIES)}."]})
        model = params.report_query(
            request, scope=scope, today=today, dimensions=(dimension,) if dimension else (granularity,)
        )
        return export.respond(request, query.report(model), filename)
    report = params.report_request(request, today=today)
    scoped = {f"{scope.kind}_id": scope.id}
    return export.respond(request, reports.video_report(request=report, **scoped), filename)


class VideoReportView(export.ReportView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=REPORT_PARAMETERS + QUERY_MODEL_PARAMETERS, responses={200: ReportSerializer, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response | StreamingHttpResponse:
        video = get_object_or_404(
            Video.objects.select_related("channel").only("id", "channel__owner_id"), pk=pk
        )
        if not may_read_reports(request.user, video.channel.owner_id):
            raise PermissionDenied("Reports are for the channel's owner and the analysts group.")
        return _report(request, query.Scope("video", video.pk), f"video-{video.pk}")


class ChannelReportView(export.ReportView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=REPORT_PARAMETERS + QUERY_MODEL_PARAMETERS, responses={200: ReportSerializer, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response | StreamingHttpResponse:
        channel = get_object_or_404(Channel.objects.only("id", "owner_id"), pk=pk)
        if not may_read_reports(request.user, channel.owner_id):
            raise PermissionDenied("Reports are for the channel's owner and the analysts group.")
        return _report(request, query.Scope("channel", channel.pk), f"channel-{channel.pk}")


class CatalogueReportView(export.ReportView):
    """The whole catalogue's report (analysts): the query model, default a daily series of views and watch
    time over the last 28 days."""

    permission_classes = [IsAnalyst]

    @extend_schema(
        parameters=[p for p in REPORT_PARAMETERS if p.name != "dimension"] + QUERY_MODEL_PARAMETERS,
        responses={200: ReportSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        return _report(request, query.Scope("catalogue"), "catalogue")


TOP_FILTERS = ("category", "country", "language", "channel")


class TopReportView(export.ReportView):
    permission_classes = [IsAnalyst]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("metric", OpenApiTypes.STR, enum=list(reports.TOP_METRICS)),
            OpenApiParameter("dimension", OpenApiTypes.STR, enum=list(reports.TOP_DIMENSIONS)),
            LIMIT_100,
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("country", OpenApiTypes.STR),
            OpenApiParameter("language", OpenApiTypes.STR),
            OpenApiParameter("channel", OpenApiTypes.STR),
            OpenApiParameter(
                "metrics", OpenApiTypes.STR, description=f"Comma list of {', '.join(query.METRICS)}."
            ),
            *QUERY_MODEL_PARAMETERS,
        ],
        responses={200: ReportSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        start, end = params.date_range(request, today=datetime.now(UTC).date())
        filters = {
            "category": list_param(request, "category", forms.ChoiceField(choices=Category.choices)),
            "country": [c.upper() for c in list_param(request, "country", code_field()) or []] or None,
            "language": [lang.lower() for lang in list_param(request, "language", code_field()) or []]
            or None,
            "channel": list_param(request, "channel", forms.IntegerField(min_value=1, max_value=2**63 - 1)),
        }
        metric = choice_param(request, "metric", reports.TOP_METRICS, "views")
        dimension = choice_param(request, "dimension", reports.TOP_DIMENSIONS, "video")
        limit = int_param(request, "limit", default=20, low=1, high=100)
        if params.uses_query_model(request) or request.query_params.get("metrics"):
            if dimension not in query.DIMENSIONS:
                raise InvalidParameter({"dimension": ["The query model's dimensions do not include tag."]})
            model = params.report_query(
                request,
                scope=query.Scope("catalogue"),
                today=datetime.now(UTC).date(),
                dimensions=(dimension,),
                metrics=(metric,),
                filters={
                    k: tuple(int(v) if k == "channel" else v for v in values)
                    for k, values in filters.items()
                    if values
                },
                max_results=limit,
            )
            return export.respond(request, query.report(model), "top")
        top = reports.TopRequest(
            start=start,
            end=end,
            metric=metric,
            dimension=dimension,
            limit=limit,
            filters={k: v for k, v in filters.items() if v},
        )
        return export.respond(request, reports.top_report(request=top), "top")


class RealtimeSerializer(serializers.Serializer[Any]):
    minutes = serializers.ListField(child=serializers.DictField(), help_text="60 minutes, oldest first.")
    top_5m = serializers.ListField(child=serializers.DictField())
    top_60m = serializers.ListField(child=serializers.DictField())
    generated_at = serializers.DateTimeField()


class RealtimeView(APIView):
    """Views per minute over the last hour and the top videos of the last 5 and 60 minutes: of a video or
    a channel (its owner, analysts, staff), or of the catalogue (analysts, staff)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("video", OpenApiTypes.INT, description="A video's (owner or analysts)."),
            OpenApiParameter("channel", OpenApiTypes.INT, description="A channel's (owner or analysts)."),
        ],
        responses={200: RealtimeSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        video_id, channel_id = id_param(request, "video"), id_param(request, "channel")
        if video_id and channel_id:
            raise InvalidParameter({"video": ["Give a video or a channel, not both."]})
        if video_id:
            video = get_object_or_404(
                Video.objects.select_related("channel").only("id", "channel__owner_id"), pk=video_id
            )
            owner_id, kind, scope_id = video.channel.owner_id, "video", video.pk
        elif channel_id:
            channel = get_object_or_404(Channel.objects.only("id", "owner_id"), pk=channel_id)
            owner_id, kind, scope_id = channel.owner_id, "channel", channel.pk
        else:
            owner_id, kind, scope_id = None, "catalogue", None
        if owner_id is None and not in_group(request.user, ANALYSTS):
            raise PermissionDenied("The catalogue's realtime view needs the 'analysts' group.")
        if owner_id is not None and not may_read_reports(request.user, owner_id):
            raise PermissionDenied("Realtime views are for the channel's owner and the analysts group.")
        response = Response(realtime.realtime(kind=kind, id=scope_id))
        response["Cache-Control"] = "no-store"
        return response
