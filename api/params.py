"""Query parameters as the views read them: each parsed and validated once, here, a bad value a 400
`invalid_parameter` that names it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django import forms
from rest_framework.request import Request

from api.errors import InvalidParameter
from api.filters import CommaListField


def choice_param(request: Request, name: str, choices: Iterable[str], default: str) -> str:
    value = str(request.query_params.get(name) or default)
    if value not in choices:
        raise InvalidParameter({name: [f"Expected one of: {', '.join(choices)}."]})
    return value


def id_param(request: Request, name: str) -> int | None:
    raw = str(request.query_params.get(name) or "")
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise InvalidParameter({name: ["Expected a positive integer id."]})
    return int(raw)


def int_param(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    raw = str(request.query_params.get(name) or default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter({name: [f"Ensure this value is between {low} and {high}."]})
    return int(raw)


def list_param(request: Request, name: str, item_field: forms.Field) -> list[str] | None:
    """A comma list (or repeated parameter) of values each valid for `item_field`; None when absent."""
    field = CommaListField(item_field=item_field, required=False)
    try:
        widget = cast(forms.Widget, field.widget)
        raw = widget.value_from_datadict(request.query_params, {}, name)  # type: ignore[arg-type]
        return cast("list[str] | None", field.clean(raw))
    except forms.ValidationError as exc:
        raise InvalidParameter({name: exc.messages}) from exc
