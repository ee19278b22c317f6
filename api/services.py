"""Writes to the catalogue. Every counter changes in the transaction of the change it counts, under the
row lock of the counted row, so concurrent requests leave it exact."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from rest_framework.authtoken.models import Token  # noqa: TID251 - the token table, a model

from api.authentication import token_expired
from api.exceptions import ConflictError, InvalidInputError
from api.models import VIDEO_WRITABLE_FIELDS, Channel, Comment, Reaction, Subscription, Video


def normalize_tags(tags: list[str]) -> list[str]:
    """Tags are matched case-insensitively: stored trimmed, lower-cased and without repeats."""
    return list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))


def user_register(*, username: str, password: str, email: str = "") -> tuple[User, str]:
    """Usernames are unique whatever their case (`SEC_ALICE` is `sec_alice`; a unique index on
    upper(username) holds it under concurrent sign-ups)."""
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError("That username is taken.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, email=email)
            token = Token.objects.create(user=user)
    except IntegrityError as exc:
        raise ConflictError("That username is taken.") from exc
    return user, token.key


def token_for(*, user: User) -> str:
    """The user's token; a new one when the old one has expired (TOKEN_MAX_AGE_DAYS) or was revoked."""
    token, _ = Token.objects.get_or_create(user=user)
    if token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token.key


def token_revoke(*, user: User) -> None:
    """Sign out everywhere: the token stops working at once."""
    Token.objects.filter(user=user).delete()


def channel_create(
    *, owner: User, handle: str, name: str, description: str = "", country: str = ""
) -> Channel:
    try:
        with transaction.atomic():
            return Channel.objects.create(
                owner=owner, handle=handle, name=name, description=description, country=country.upper()
            )
    except IntegrityError as exc:
        raise ConflictError(f"The handle {handle!r} is taken.") from exc


def channel_update(*, channel: Channel, **fields: Any) -> Channel:
    if "country" in fields:
        fields["country"] = fields["country"].upper()
    for name, value in fields.items():
        setattr(channel, name, value)
    try:
        with transaction.atomic():
            channel.save(update_fields=[*fields])
    except IntegrityError as exc:
        channel.refresh_from_db()
        raise ConflictError(f"The handle {fields.get('handle')!r} is taken.") from exc
    return channel


def channel_delete(*, channel: Channel) -> None:
    channel.delete()


@transaction.atomic
def subscription_set(*, user: User, channel_id: int, subscribed: bool) -> Channel:
    """Subscribe or unsubscribe, idempotently; the subscriber count moves only when the state changes."""
    channel = Channel.objects.select_for_update().get(pk=channel_id)
    if channel.owner_id == user.pk and subscribed:
        raise InvalidInputError({"channel": ["You cannot subscribe to your own channel."]})
    if subscribed:
        _, created = Subscription.objects.get_or_create(user=user, channel=channel)
        delta = 1 if created else 0
    else:
        delta = -Subscription.objects.filter(user=user, channel=channel).delete()[0]
    if delta:
        Channel.objects.filter(pk=channel.pk).update(subscriber_count=F("subscriber_count") + delta)
        channel.refresh_from_db(fields=["subscriber_count"])
    return channel


@transaction.atomic
def video_create(*, channel: Channel, **fields: Any) -> Video:
    fields = {k: v for k, v in fields.items() if k in VIDEO_WRITABLE_FIELDS}
    fields["tags"] = normalize_tags(fields.get("tags", []))
    fields.setdefault("published_at", timezone.now())
    video = Video.objects.create(channel=channel, **fields)
    Channel.objects.filter(pk=channel.pk).update(video_count=F("video_count") + 1)
    return video


def video_update(*, video: Video, **fields: Any) -> Video:
    fields = {k: v for k, v in fields.items() if k in VIDEO_WRITABLE_FIELDS}
    if "tags" in fields:
        fields["tags"] = normalize_tags(fields["tags"])
    for name, value in fields.items():
        setattr(video, name, value)
    video.save(update_fields=[*fields, "updated_at"])
    return video


@transaction.atomic
def video_delete(*, video: Video) -> None:
    Channel.objects.filter(pk=video.channel_id).update(video_count=F("video_count") - 1)
    video.delete()


COUNTER_BY_KIND: dict[str, str] = {Reaction.Kind.LIKE: "like_count", Reaction.Kind.DISLIKE: "dislike_count"}


@transaction.atomic
def reaction_set(*, user: User, video_id: int, kind: str | None) -> Video:
    """Set (`like`/`dislike`) or clear (None) the caller's one reaction to a video.

    The video row is locked first: the counter update would take that lock anyway, and holding it from
    the start makes read-modify-write of the reaction and both counters one serial step per video.
    """
    video = Video.objects.select_for_update().get(pk=video_id)
    previous = Reaction.objects.filter(user=user, video=video).first()
    if previous and previous.kind == kind:
        return video
    deltas: dict[str, Any] = {}
    if previous:
        deltas[COUNTER_BY_KIND[previous.kind]] = F(COUNTER_BY_KIND[previous.kind]) - 1
        previous.delete()
    if kind:
        Reaction.objects.create(user=user, video=video, kind=kind)
        deltas[COUNTER_BY_KIND[kind]] = F(COUNTER_BY_KIND[kind]) + 1
    Video.objects.filter(pk=video.pk).update(**deltas)
    video.refresh_from_db(fields=["like_count", "dislike_count"])
    return video


@transaction.atomic
def comment_create(*, author: User, video_id: int, text: str, parent_id: int | None = None) -> Comment:
    video = Video.objects.select_for_update().only("id").get(pk=video_id)
    if parent_id is not None:
        parent = (
            Comment.objects.filter(pk=parent_id, video=video).only("id", "parent_id", "deleted_at").first()
        )
        if parent is None:
            raise InvalidInputError({"parent": ["No such comment on this video."]})
        if parent.is_deleted:
            raise InvalidInputError({"parent": ["That comment was deleted."]})
        parent_id = parent.parent_id or parent.pk  # threads are one level deep, as on YouTube
    comment = Comment.objects.create(video=video, author=author, text=text, parent_id=parent_id)
    Video.objects.filter(pk=video.pk).update(comment_count=F("comment_count") + 1)
    return comment


def comment_update(*, comment: Comment, text: str) -> Comment:
    comment.text = text
    comment.save(update_fields=["text", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """As on YouTube, deleting a comment does not take others' replies with it: a comment that has replies
    stays as an emptied placeholder (`deleted`) that holds its thread; one without replies goes, and so does
    a placeholder whose last reply this was. The video's count drops by one: placeholders are not counted."""
    Video.objects.select_for_update().only("id").get(pk=comment.video_id)
    if comment.parent_id is None and Comment.objects.filter(parent_id=comment.pk).exists():
        Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now(), text="")
    else:
        Comment.objects.filter(pk=comment.pk).delete()
        if comment.parent_id is not None:
            Comment.objects.filter(pk=comment.parent_id, deleted_at__isnull=False).exclude(
                Exists(Comment.objects.filter(parent_id=OuterRef("pk")))
            ).delete()
    Video.objects.filter(pk=comment.video_id).update(comment_count=F("comment_count") - 1)
