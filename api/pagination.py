"""Keyset ("cursor") pagination: stable under inserts, never repeats or skips a row, O(page) at any depth.

The cursor is the ordering key of the last row of the page, signed so that clients cannot forge
positions, and bound to the ordering it was made for.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import BooleanField, Expression, F, Func, QuerySet, Value
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.errors import InvalidParameter
from api.exceptions import InvalidInputError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
_signer = signing.Signer(salt="api.pagination.cursor")


class RowBefore(Func):
    """`(a, b, ...) < (x, y, ...)`: PostgreSQL compares rows lexicographically and walks a matching
    B-tree index backwards from the position; every key descends."""

    output_field = BooleanField()

    def __init__(self, keys: Sequence[Expression | F | str], values: Sequence[Any]):
        self.width = len(keys)
        key_expressions = [F(k) if isinstance(k, str) else k for k in keys]
        super().__init__(*key_expressions, *[Value(v) for v in values])

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        lhs, rhs = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"(({lhs}) < ({rhs}))", params


def page_size_from(
    request: Request, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    raw = request.query_params.get("page_size")
    if raw in (None, ""):
        return default
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if not 1 <= size <= maximum:
        raise InvalidParameter(
            {"page_size": [f"Ensure this value is between 1 and {maximum}."]},
        )
    return size


def encode_cursor(*, ordering: str, values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    payload = json.dumps([ordering, plain], separators=(",", ":"))
    signed = _signer.sign(payload)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def decode_cursor(token: str, *, ordering: str, types: Sequence[type]) -> list[Any]:
    """The key values in `token`, which must have been made for `ordering`; 400 otherwise."""
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        cursor_ordering, values = json.loads(_signer.unsign(signed))
        if cursor_ordering != ordering or len(values) != len(types):
            raise ValueError("cursor made for another ordering")
        return [
            datetime.fromisoformat(v) if t is datetime else t(v) for v, t in zip(values, types, strict=True)
        ]
    except (ValueError, TypeError, UnicodeDecodeError, signing.BadSignature, json.JSONDecodeError) as exc:
        raise InvalidInputError({"cursor": ["The cursor is invalid or was made for another query."]}) from exc


class KeysetPagination:
    """Pages a queryset ordered by `keys` (all descending, the last one unique, such as `id`).

    Refuses an unordered queryset: an unordered page is not a page.
    """

    def __init__(self, *, name: str, keys: Sequence[tuple[str, Expression | F | str, type]]):
        self.name = name
        self.keys = keys  # (attribute on the row, expression or field, python type)

    def page(self, queryset: QuerySet, *, size: int, cursor: str | None) -> tuple[list, str | None]:
        """The `size` rows after `cursor`, and the cursor of the page after them (None at the end)."""
        if not queryset.ordered:
            raise TypeError("KeysetPagination needs an ordered queryset")
        if cursor:
            values = decode_cursor(cursor, ordering=self.name, types=[t for _, _, t in self.keys])
            queryset = queryset.filter(RowBefore([expr for _, expr, _ in self.keys], values))
        rows = list(queryset[: size + 1])
        page, more = rows[:size], len(rows) > size
        if not more:
            return page, None
        last = page[-1]
        return page, encode_cursor(
            ordering=self.name, values=[getattr(last, attr) for attr, _, _ in self.keys]
        )

    def paginate(self, queryset: QuerySet, request: Request) -> tuple[list, str | None]:
        """A page for `request` (its page_size and cursor) and the URL of the next page."""
        page, cursor = self.page(
            queryset, size=page_size_from(request), cursor=request.query_params.get("cursor")
        )
        return page, next_page_url(request, cursor)


def next_page_url(request: Request, cursor: str | None) -> str | None:
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor) if cursor else None


def paginated_response(*, results: list, next_url: str | None, request: Request, **extra: Any) -> Response:
    # Cursors run forward only; `previous` is kept for the shape of API.md and is always null.
    return Response({**extra, "results": results, "next": next_url, "previous": None})
