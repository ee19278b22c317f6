from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

ANALYSTS, INGEST = "analysts", "ingest"


def in_group(user: Any, name: str) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.groups.filter(name=name).exists()))


class CanIngest(permissions.BasePermission):
    message = "Ingesting view events needs the 'ingest' group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return in_group(request.user, INGEST)


class IsAnalyst(permissions.BasePermission):
    message = "This report needs the 'analysts' group."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return in_group(request.user, ANALYSTS)
