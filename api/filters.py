"""The video filters shared by the catalogue list and search (API.md, Search: every filter but `q`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import JSONField, Lookup, Q, QuerySet
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django_filters.rest_framework import DjangoFilterBackend

from api.exceptions import InvalidInputError
from api.models import Category
from api.parsers import holds_lone_surrogate

CODE_PATTERN = re.compile(r"^[A-Za-z]{2}$")
META_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,3}$")
META_VALUE_MAX = 200
MAX_LIST_VALUES = 50
DURATION_BUCKETS = {"short": (None, 239), "medium": (240, 1200), "long": (1201, None)}


class CommaListWidget(forms.TextInput):
    """Reads `a,b` and `x=a&x=b` alike."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        items = [item.strip() for value in values if value for item in value.split(",") if item.strip()]
        return items or None


class CommaListField(forms.Field):
    widget = CommaListWidget

    def __init__(self, *, item_field: forms.Field, **kwargs):
        self.item_field = item_field
        super().__init__(**kwargs)

    def clean(self, value):
        if not value:
            return None
        value = list(dict.fromkeys(value))
        if len(value) > MAX_LIST_VALUES:
            raise forms.ValidationError(f"At most {MAX_LIST_VALUES} values.")
        return list(dict.fromkeys(self.item_field.clean(item) for item in value))


class ListFilter(filters.Filter):
    """Any of a comma list of values; `lookup_expr` decides how the list is matched."""

    field_class = CommaListField

    def __init__(self, *, item_field: forms.Field, transform=None, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(item_field=item_field, **kwargs)
        self.transform = transform

    def filter(self, qs, value):
        if not value:
            return qs
        if self.transform:
            value = [self.transform(v) for v in value]
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class UTCDateTimeField(forms.DateTimeField):
    """A time with any UTC offset Python accepts, sent to PostgreSQL in UTC (PostgreSQL refuses offsets past
    ±15:59, Python takes up to ±23:59)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError("Enter a time between years 1 and 9999.") from exc


class UTCDateTimeFilter(filters.DateTimeFilter):
    field_class = UTCDateTimeField


def code_field() -> forms.Field:
    return forms.RegexField(regex=CODE_PATTERN, error_messages={"invalid": "Expected a two-letter code."})


class VideoFilterSet(filters.FilterSet):
    channel = ListFilter(
        item_field=forms.IntegerField(min_value=1, max_value=2**63 - 1), help_text="Channel ids."
    )
    category = ListFilter(item_field=forms.ChoiceField(choices=Category.choices), help_text="Categories.")
    language = ListFilter(item_field=code_field(), transform=str.lower, help_text="ISO 639-1 codes.")
    region = ListFilter(item_field=code_field(), transform=str.upper, help_text="ISO 3166-1 alpha-2 codes.")
    tags = ListFilter(
        item_field=forms.CharField(max_length=64),
        transform=str.lower,
        lookup_expr="overlap",
        help_text="Any of.",
    )
    tags_all = ListFilter(
        field_name="tags",
        item_field=forms.CharField(max_length=64),
        transform=str.lower,
        lookup_expr="contains",
        help_text="All of.",
    )
    duration = filters.ChoiceFilter(
        choices=[(k, k) for k in DURATION_BUCKETS],
        method="filter_duration",
        help_text="short (< 4 min), medium (4-20 min), long (> 20 min).",
    )
    duration_min = filters.NumberFilter(
        field_name="duration_s", lookup_expr="gte", min_value=0, max_value=86_400
    )
    duration_max = filters.NumberFilter(
        field_name="duration_s", lookup_expr="lte", min_value=0, max_value=86_400
    )
    published_after = UTCDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UTCDateTimeFilter(field_name="published_at", lookup_expr="lt")

    def get_form_class(self):
        """The form class, built once: it is made of the filters' fields, the same for every request, and
        building it (each filter's field, and its label from the model's verbose names) was a third of the
        0.9 ms that parsing the filters of a request took. Each form still copies its fields."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def filter_duration(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        low, high = DURATION_BUCKETS[value]
        if low is not None:
            qs = qs.filter(duration_s__gte=low)
        if high is not None:
            qs = qs.filter(duration_s__lte=high)
        return qs

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return queryset.filter(metadata_condition(self.data))


def parse_meta_value(raw: str) -> Any:
    """JSON where it parses to a finite value, else the string itself (`hd`, `NaN`, `1e999`)."""
    try:
        value = json.loads(raw, parse_constant=_refuse)
    except (ValueError, RecursionError):
        return raw
    return raw if isinstance(value, float) and not math.isfinite(value) else value


def _refuse(name: str):
    raise ValueError(name)


def metadata_condition(params) -> Q:
    """`meta.<key>=<value>` parameters as jsonb conditions served by a jsonb_path_ops GIN index.

    The value is read as JSON where it parses, as a string otherwise; an array field matches when it
    contains the value; `meta.a.b` reaches into nested objects; repeated parameters must all match.
    A scalar value is one jsonpath test, `metadata @? '$."key" ? (@ == value)'`: lax mode looks inside an
    array, so a scalar field and an array field holding the value both match in one index probe (the
    index hashes both alike; containment needed two probes of the same entries, OR-ed). An object or an
    array value is matched by containment.
    """
    condition = Q()
    for name in params:
        if not name.startswith("meta."):
            continue
        key = name[len("meta.") :]
        if not META_KEY_PATTERN.match(key):
            raise InvalidInputError(
                {name: ["Metadata keys are 1-64 letters, digits, '_' or '-', dot-separated."]}
            )
        for raw in params.getlist(name):
            if len(raw) > META_VALUE_MAX:
                raise InvalidInputError(
                    {name: [f"Ensure this value has at most {META_VALUE_MAX} characters."]}
                )
            value = parse_meta_value(raw)
            if _holds_nul(value):  # `"\u0000"` decodes to a NUL, which jsonb and jsonpath refuse
                raise InvalidInputError({name: ["NUL characters are not allowed."]})
            if holds_lone_surrogate(value):  # `"\ud800"` decodes to half a character, which is not text
                raise InvalidInputError({name: ["Lone UTF-16 surrogates (such as \\ud800) are not allowed."]})
            if isinstance(value, dict | list):
                condition &= Q(metadata__contains=_nest(key, value)) | Q(
                    metadata__contains=_nest(key, [value])
                )
            else:
                path = "$" + "".join(f'."{part}"' for part in key.split("."))
                condition &= Q(metadata__jsonpath_exists=f"{path} ? (@ == {json.dumps(value)})")
    return condition


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _nest(key: str, value: Any) -> dict:
    for part in reversed(key.split(".")):
        value = {part: value}
    return value


@JSONField.register_lookup
class JSONPathExists(Lookup):
    """`field @? 'jsonpath'` (the jsonb_ops and jsonb_path_ops GIN classes serve it). The path is passed
    as a string parameter, not adapted as JSON."""

    lookup_name = "jsonpath_exists"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @? ({rhs})::jsonpath", (*lhs_params, *rhs_params)


FILTER_NAMES = frozenset(VideoFilterSet.base_filters)


def filter_params(query_params: QueryDict) -> dict[str, list[str]]:
    """The filter parameters of a request (a present but empty one included), each with its values."""
    return {
        name: query_params.getlist(name)
        for name in query_params
        if name in FILTER_NAMES or name.startswith("meta.")
    }


def filter_videos(params: Mapping[str, list[str]], queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed by the filter parameters `params` (filter_params); a bad value is InvalidInputError.

    With no filter at all (a plain search) the FilterSet is not built: it deep-copies its filters and
    builds and cleans a form, about 1.5 ms of a request, to filter nothing."""
    if not params:
        return queryset
    filterset = VideoFilterSet(data=MultiValueDict(dict(params)), queryset=queryset)
    if not filterset.is_valid():
        raise InvalidInputError(
            {
                field: [e["message"] for e in errors]
                for field, errors in filterset.errors.get_json_data().items()
            }
        )
    return filterset.qs


class VideoFilterBackend(DjangoFilterBackend):
    """django-filter (its FilterSet also documents the parameters), with bad values answered as 400
    invalid_parameter."""

    def filter_queryset(self, request, queryset, view):
        return filter_videos(filter_params(request.query_params), queryset)
