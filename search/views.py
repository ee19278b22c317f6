"""Search endpoints (API.md, Search)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.permissions import IsAnalyst
from api.filters import VideoFilterBackend, VideoFilterSet, filter_params
from api.models import Video
from api.observability import ZERO_RESULT_SEARCHES
from api.pagination import KeysetPagination, next_page_url, page_size_from
from api.params import choice_param, int_param
from api.serializers import ChannelSerializer, VideoSerializer, represent
from api.views import ERRORS, META_PARAMETER, PAGE_PARAMETERS, page_of, page_schema, validated
from search import params, selectors, services
from search.models import SearchDocument, Synonym
from search.query import MAX_QUERY_LENGTH
from search.querylog import MAX_CLICKS, WINDOWS, clicks_ingest, recorder, search_report
from search.related import related_videos
from search.serializers import (
    ChannelSearchResponseSerializer,
    RelatedResponseSerializer,
    SearchAnalyticsSerializer,
    SearchClicksRequestSerializer,
    SearchClicksResponseSerializer,
    SuggestResponseSerializer,
    SynonymSerializer,
    VideoSearchResponseSerializer,
    highlight_html,
)

Q_PARAMETER = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    description=f'At most {MAX_QUERY_LENGTH} characters. Words, "exact phrase", -excluded, or. Matches title, '
    "tags, channel name and description (in that order of weight); each video stemmed in its language, each "
    "word of the query for the catalogue languages it may be in (only those of `language` when given); Korean "
    "and other CJK text "
    "inside words; misspellings are corrected when the query as typed finds nothing.",
)


class VideoSearchView(GenericAPIView[SearchDocument]):
    throttle_scope = "search"
    permission_classes = [permissions.AllowAny]
    filterset_class = VideoFilterSet
    filter_backends = [VideoFilterBackend]
    queryset = SearchDocument.objects.none()  # for the schema generator

    @extend_schema(
        parameters=[
            Q_PARAMETER,
            OpenApiParameter(
                "order",
                OpenApiTypes.STR,
                enum=list(selectors.ORDERS),
                description="relevance (default with q; pages through the best 1,000 matches), "
                "date (default without q), views, rating, trending.",
            ),
            OpenApiParameter(
                "facets", OpenApiTypes.STR, description=f"Any of {', '.join(selectors.FACETS)}."
            ),
            OpenApiParameter("highlight", OpenApiTypes.BOOL, description="Default true with q."),
            META_PARAMETER,
            *PAGE_PARAMETERS,
        ],
        responses={200: VideoSearchResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        search_request = params.search_request(request)
        found = selectors.video_search(request=search_request)
        recorder.record(
            q=search_request.q,
            total=found["total"]["value"],
            took_ms=found["took_ms"],
            corrected=found["query"]["corrected"],
            filters=sorted(search_request.filters),
        )
        if found["total"]["value"] == 0:
            ZERO_RESULT_SEARCHES.inc()
        videos = [video for video, _ in found["results"]]
        results = represent(VideoSerializer, videos)
        for hit, (video, score) in zip(results, found["results"], strict=True):
            hit["score"] = score
            if video.pk in found["highlights"]:
                hit["highlight"] = highlight_html(found["highlights"][video.pk])
        return Response(
            {
                "query": found["query"],
                "total": found["total"],
                "results": results,
                "facets": found["facets"],
                "facets_sampled": found["facets_sampled"],
                "suggestion": found["suggestion"],
                "next": next_page_url(request, found["next_cursor"]),
                "previous": None,
                "took_ms": found["took_ms"],
            }
        )


class ChannelSearchView(APIView):
    throttle_scope = "search"
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[Q_PARAMETER, *PAGE_PARAMETERS], responses={200: ChannelSearchResponseSerializer, **ERRORS}
    )
    def get(self, request: Request) -> Response:
        q = params.query_text(request).strip()
        found = selectors.channel_search(
            q=q,
            page_size=page_size_from(request),
            cursor=request.query_params.get("cursor") or None,
        )
        channels = represent(ChannelSerializer, [channel for channel, _ in found["results"]])
        results = [
            {**data, "score": score} for data, (_, score) in zip(channels, found["results"], strict=True)
        ]
        return Response(
            {
                "query": found["query"],
                "total": found["total"],
                "results": results,
                "next": next_page_url(request, found["next_cursor"]),
                "previous": None,
                "took_ms": found["took_ms"],
            }
        )


class SuggestView(APIView):
    throttle_scope = "suggest"
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="The prefix typed so far."),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": 20}, description="1-20, default 10."
            ),
        ],
        responses={200: SuggestResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        prefix = params.query_text(request)
        limit = int_param(request, "limit", default=10, low=1, high=20)
        return Response({"suggestions": selectors.suggest(prefix=prefix, limit=limit)})


class IsStaff(permissions.BasePermission):
    message = "Synonyms are managed by staff."

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(request.user and request.user.is_staff)


SYNONYM_PAGINATION = KeysetPagination(name="synonyms", keys=[("id", "id", int)])


class SynonymListView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsStaff]

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        operation_id="search_synonyms_list",
        responses={200: page_schema(SynonymSerializer), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        results, next_url = SYNONYM_PAGINATION.paginate(Synonym.objects.order_by("-id"), request)
        return page_of(SynonymSerializer, results=results, next_url=next_url, request=request)

    @extend_schema(request=SynonymSerializer, responses={201: SynonymSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        synonym = services.synonym_create(**validated(SynonymSerializer, request.data))
        return Response(SynonymSerializer(synonym).data, status=status.HTTP_201_CREATED)


class SynonymDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsStaff]

    @extend_schema(responses={200: SynonymSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(SynonymSerializer(get_object_or_404(Synonym, pk=pk)).data)

    @extend_schema(request=SynonymSerializer, responses={200: SynonymSerializer, **ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        synonym = get_object_or_404(Synonym, pk=pk)
        fields = validated(SynonymSerializer, request.data)
        return Response(SynonymSerializer(services.synonym_update(synonym=synonym, **fields)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        services.synonym_delete(synonym=get_object_or_404(Synonym, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RelatedVideosView(GenericAPIView[Video]):
    """Videos like this one (search.related), filtered as search filters."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "search"
    filter_backends = [VideoFilterBackend]
    filterset_class = VideoFilterSet
    queryset = Video.objects.none()  # for the schema generator (`{id}`: a video's)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": 50}, description="1-50, default 10."
            ),
            META_PARAMETER,
        ],
        responses={200: RelatedResponseSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        limit = int_param(request, "limit", default=10, low=1, high=50)
        found = related_videos(video_id=pk, limit=limit, filters=filter_params(request.query_params))
        if found is None:
            raise Http404
        results = represent(VideoSerializer, [video for video, _ in found])
        for hit, (_, score) in zip(results, found, strict=True):
            hit["score"] = score
        return Response({"video": pk, "results": results})


class SearchAnalyticsView(APIView):
    """What users search for (search.querylog), for analysts and staff."""

    permission_classes = [IsAnalyst]

    @extend_schema(
        parameters=[
            OpenApiParameter("window", OpenApiTypes.STR, enum=list(WINDOWS), description="Default 24h."),
            OpenApiParameter(
                "limit", {"type": "integer", "minimum": 1, "maximum": 100}, description="1-100, default 20."
            ),
        ],
        responses={200: SearchAnalyticsSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        window = choice_param(request, "window", WINDOWS, "24h")
        limit = int_param(request, "limit", default=20, low=1, high=100)
        return Response(search_report(window=window, limit=limit))


class SearchClicksView(APIView):
    """Clicks on search results, reported by clients (any caller, signed in or not)."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = "search"

    @extend_schema(
        request=SearchClicksRequestSerializer, responses={202: SearchClicksResponseSerializer, **ERRORS}
    )
    def post(self, request: Request) -> Response:
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("clicks"), list):
            raise ValidationError({"clicks": ["Expected a JSON object with a 'clicks' list."]})
        if not 1 <= len(body["clicks"]) <= MAX_CLICKS:
            raise ValidationError({"clicks": [f"Send between 1 and {MAX_CLICKS} clicks a request."]})
        return Response(clicks_ingest(raw_clicks=body["clicks"]), status=status.HTTP_202_ACCEPTED)
