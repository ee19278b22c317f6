from __future__ import annotations

from rest_framework import permissions


class IsOwnerOrReadOnly(permissions.BasePermission):
    """Reads for everyone; writes for the object's owner (a channel's owner, a video's channel owner,
    a comment's author)."""

    message = "Only the owner may change this."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return owner_id_of(obj) == request.user.pk


def owner_id_of(obj) -> int:
    for path in ("owner_id", "channel.owner_id", "author_id"):
        target = obj
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        return target
    raise TypeError(f"{type(obj).__name__} has no owner")


class CommentPermission(IsOwnerOrReadOnly):
    """A comment: its author edits and deletes it; the owner of the video's channel may delete it too
    (moderation)."""

    message = "Only the comment's author may edit it, and its author or the video's owner delete it."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method == "DELETE" and obj.video.channel.owner_id == request.user.pk:
            return True
        return super().has_object_permission(request, view, obj)
