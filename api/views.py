"""REST views of the catalogue: parse and validate, call a service or selector, serialize."""

from __future__ import annotations

import functools

from django.contrib.auth import authenticate
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, services
from api.errors import json_error
from api.filters import VideoFilterBackend, VideoFilterSet
from api.models import Channel, Comment, Video
from api.pagination import paginated_response
from api.params import choice_param, id_param
from api.permissions import CommentPermission, IsOwnerOrReadOnly
from api.serializers import (
    ChannelSerializer,
    ChannelUpdateSerializer,
    CommentSerializer,
    CommentUpdateSerializer,
    ErrorSerializer,
    MeSerializer,
    ReactionSerializer,
    ReactionStateSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    VideoCreateSerializer,
    VideoSerializer,
    represent,
)
from maintenance.jobs import status as maintenance_status


@functools.cache
def page_schema(serializer_class) -> serializers.Serializer:
    """The schema of a cursor page of `serializer_class` (see api.pagination.paginated_response)."""
    return inline_serializer(
        f"{serializer_class.__name__.removesuffix('Serializer')}Page",
        {
            "results": serializer_class(many=True),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
        },
    )


ERRORS = {code: OpenApiResponse(ErrorSerializer) for code in (400, 401, 403, 404, 409, 413, 415, 429, 503)}
PAGE_PARAMETERS = [
    OpenApiParameter(
        "page_size", {"type": "integer", "minimum": 1, "maximum": 50}, description="1-50, default 20."
    ),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The opaque token from `next`."),
]
META_PARAMETER = OpenApiParameter(
    "meta.{key}",
    OpenApiTypes.STR,
    description="Match on the video's metadata: `meta.made_for_kids=false`, `meta.captions=ko` (an array field "
    "matches when it contains the value), `meta.a.b=1` for nested keys. The value is read as JSON where it "
    "parses, else as a string. Repeated parameters must all match.",
)


def page_of(serializer_class, *, results, next_url, request, **extra) -> Response:
    data = represent(serializer_class, results)
    return paginated_response(results=data, next_url=next_url, request=request, **extra)


def validated(serializer_class, data, **kwargs) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Accounts


class RegisterView(APIView):
    throttle_scope = "auth"
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: inline_serializer(
                "Registered",
                {
                    "id": serializers.IntegerField(),
                    "username": serializers.CharField(),
                    "token": serializers.CharField(),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request):
        data = validated(RegisterSerializer, request.data)
        user, token = services.user_register(**data)
        return Response(
            {"id": user.pk, "username": user.username, "token": token}, status=status.HTTP_201_CREATED
        )


class TokenView(APIView):
    throttle_scope = "auth"
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()}), **ERRORS},
    )
    def post(self, request):
        data = validated(TokenRequestSerializer, request.data)
        user = authenticate(request=request._request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationError({"non_field_errors": ["Unable to log in with the given credentials."]})
        return Response({"token": services.token_for(user=user)})

    @extend_schema(request=None, responses={204: None, **ERRORS})
    def delete(self, request):
        """Revoke the caller's token (sign out everywhere)."""
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, **ERRORS})
    def get(self, request):
        return Response(MeSerializer(selectors.user_summary(user=request.user)).data)


# Channels


class ChannelListView(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETERS,
        operation_id="channels_list",
        responses={200: page_schema(ChannelSerializer), **ERRORS},
    )
    def get(self, request):
        results, next_url = selectors.CHANNEL_PAGINATION.paginate(selectors.channel_list(), request)
        return page_of(ChannelSerializer, results=results, next_url=next_url, request=request)

    @extend_schema(request=ChannelSerializer, responses={201: ChannelSerializer, **ERRORS})
    def post(self, request):
        channel = services.channel_create(owner=request.user, **validated(ChannelSerializer, request.data))
        return Response(ChannelSerializer(channel).data, status=status.HTTP_201_CREATED)


class ChannelDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]

    def get_object(self, pk: int) -> Channel:
        channel = get_object_or_404(Channel, pk=pk)
        self.check_object_permissions(self.request, channel)
        return channel

    @extend_schema(responses={200: ChannelSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(ChannelSerializer(self.get_object(pk)).data)

    @extend_schema(request=ChannelUpdateSerializer, responses={200: ChannelSerializer, **ERRORS})
    def patch(self, request, pk: int):
        channel = self.get_object(pk)
        fields = validated(ChannelUpdateSerializer, request.data, instance=channel, partial=True)
        return Response(ChannelSerializer(services.channel_update(channel=channel, **fields)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        services.channel_delete(channel=self.get_object(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubscriptionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: ChannelSerializer, **ERRORS})
    def put(self, request, pk: int):
        get_object_or_404(Channel.objects.only("id"), pk=pk)
        channel = services.subscription_set(user=request.user, channel_id=pk, subscribed=True)
        return Response(ChannelSerializer(channel).data)

    @extend_schema(responses={200: ChannelSerializer, **ERRORS})
    def delete(self, request, pk: int):
        get_object_or_404(Channel.objects.only("id"), pk=pk)
        channel = services.subscription_set(user=request.user, channel_id=pk, subscribed=False)
        return Response(ChannelSerializer(channel).data)


class MySubscriptionsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        operation_id="subscriptions_list",
        responses={200: page_schema(ChannelSerializer), **ERRORS},
    )
    def get(self, request):
        queryset = selectors.subscriptions_of(user=request.user)
        results, next_url = selectors.CHANNEL_PAGINATION.paginate(queryset, request)
        return page_of(ChannelSerializer, results=results, next_url=next_url, request=request)


# Videos


class VideoListView(generics.GenericAPIView):
    filterset_class = VideoFilterSet
    filter_backends = [VideoFilterBackend]
    queryset = Video.objects.none()  # for the schema generator; reads go through selectors
    serializer_class = VideoSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "order",
                OpenApiTypes.STR,
                enum=list(selectors.VIDEO_ORDERINGS),
                description="date (default), views or rating; ties broken by id.",
            ),
            META_PARAMETER,
            *PAGE_PARAMETERS,
        ],
        operation_id="videos_list",
        responses={200: page_schema(VideoSerializer), **ERRORS},
        filters=True,  # a page object, not a bare list: the filters are still this view's parameters
    )
    def get(self, request):
        order = choice_param(request, "order", selectors.VIDEO_ORDERINGS, "date")
        queryset = self.filter_queryset(selectors.video_list(order=order))
        results, next_url = selectors.VIDEO_ORDERINGS[order].paginate(queryset, request)
        return page_of(VideoSerializer, results=results, next_url=next_url, request=request)

    @extend_schema(request=VideoCreateSerializer, responses={201: VideoSerializer, **ERRORS})
    def post(self, request):
        data = validated(VideoCreateSerializer, request.data)
        channel = get_object_or_404(Channel, pk=data.pop("channel"))
        if channel.owner_id != request.user.pk:
            raise PermissionDenied("You can only publish to a channel you own.")
        video = services.video_create(channel=channel, **data)
        return Response(VideoSerializer(selectors.videos_base().get(pk=video.pk)).data, status=201)


class VideoDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]

    def get_object(self, pk: int) -> Video:
        video = get_object_or_404(selectors.videos_base(), pk=pk)
        self.check_object_permissions(self.request, video)
        return video

    @extend_schema(responses={200: VideoSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(VideoSerializer(self.get_object(pk)).data)

    @extend_schema(request=VideoSerializer, responses={200: VideoSerializer, **ERRORS})
    def patch(self, request, pk: int):
        video = self.get_object(pk)
        fields = validated(VideoSerializer, request.data, instance=video, partial=True)
        return Response(VideoSerializer(services.video_update(video=video, **fields)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        services.video_delete(video=self.get_object(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReactionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def respond(self, video: Video, kind: str | None) -> Response:
        return Response(
            ReactionStateSerializer(
                {
                    "video": video.pk,
                    "kind": kind,
                    "like_count": video.like_count,
                    "dislike_count": video.dislike_count,
                }
            ).data
        )

    @extend_schema(request=ReactionSerializer, responses={200: ReactionStateSerializer, **ERRORS})
    def put(self, request, pk: int):
        kind = validated(ReactionSerializer, request.data)["kind"]
        get_object_or_404(Video.objects.only("id"), pk=pk)
        return self.respond(services.reaction_set(user=request.user, video_id=pk, kind=kind), kind)

    @extend_schema(responses={200: ReactionStateSerializer, **ERRORS})
    def delete(self, request, pk: int):
        get_object_or_404(Video.objects.only("id"), pk=pk)
        return self.respond(services.reaction_set(user=request.user, video_id=pk, kind=None), None)


class CommentListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("parent", OpenApiTypes.INT, description="List the replies to this comment."),
            *PAGE_PARAMETERS,
        ],
        operation_id="comments_list",
        responses={200: page_schema(CommentSerializer), **ERRORS},
    )
    def get(self, request, pk: int):
        get_object_or_404(Video.objects.only("id"), pk=pk)
        queryset = selectors.comment_list(video_id=pk, parent_id=id_param(request, "parent"))
        results, next_url = selectors.COMMENT_PAGINATION.paginate(queryset, request)
        return page_of(CommentSerializer, results=results, next_url=next_url, request=request)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer, **ERRORS})
    def post(self, request, pk: int):
        data = validated(CommentSerializer, request.data)
        get_object_or_404(Video.objects.only("id"), pk=pk)
        comment = services.comment_create(
            author=request.user, video_id=pk, text=data["text"], parent_id=data.get("parent_id")
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CommentPermission]

    def get_object(self, pk: int) -> Comment:
        comments = Comment.objects.select_related("author", "video__channel")
        if self.request.method not in permissions.SAFE_METHODS:
            comments = comments.filter(deleted_at__isnull=True)  # a deleted comment is gone for writes
        comment = get_object_or_404(comments, pk=pk)
        self.check_object_permissions(self.request, comment)
        return comment

    @extend_schema(responses={200: CommentSerializer, **ERRORS})
    def get(self, request, pk: int):
        return Response(CommentSerializer(self.get_object(pk)).data)

    @extend_schema(request=CommentUpdateSerializer, responses={200: CommentSerializer, **ERRORS})
    def patch(self, request, pk: int):
        comment = self.get_object(pk)
        text = validated(CommentUpdateSerializer, request.data)["text"]
        return Response(CommentSerializer(services.comment_update(comment=comment, text=text)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        services.comment_delete(comment=self.get_object(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# Operations (plain Django views: no auth, no database for /healthz)


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return json_error(status_code=503, code="unavailable", message="The database is unreachable.")
    if pending:
        return json_error(status_code=503, code="unavailable", message="Database migrations are pending.")
    # the periodic jobs' lag (`manage.py maintain`): reported, not a reason to take this worker out
    return JsonResponse({"status": "ok", "database": "ok", "maintenance": maintenance_status()})
