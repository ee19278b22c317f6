"""A search request's parameters, read and validated once (the view layer): a bad value is a 400
`invalid_parameter` that names it."""

from __future__ import annotations

from rest_framework.request import Request

from api.errors import InvalidParameter
from api.filters import filter_params
from api.pagination import page_size_from
from search.query import MAX_QUERY_LENGTH
from search.selectors import FACETS, ORDERS, SearchRequest


def query_text(request: Request) -> str:
    """The `q` parameter, at most MAX_QUERY_LENGTH characters, NUL characters dropped."""
    q = str(request.query_params.get("q", ""))
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter({"q": [f"Ensure this value has at most {MAX_QUERY_LENGTH} characters."]})
    return q.replace("\x00", "")


def search_request(request: Request) -> SearchRequest:
    params = request.query_params
    q = query_text(request).strip()
    order = str(params.get("order") or ("relevance" if q else "date"))
    if order not in ORDERS:
        raise InvalidParameter({"order": [f"Expected one of: {', '.join(ORDERS)}."]})
    facets = [f.strip() for v in params.getlist("facets") for f in v.split(",") if f.strip()]
    unknown = sorted(set(facets) - set(FACETS))
    if unknown:
        raise InvalidParameter(
            {"facets": [f"Unknown facet {unknown[0]!r}; expected any of {', '.join(FACETS)}."]}
        )
    highlight = str(params.get("highlight", "true" if q else "false")).lower()
    if highlight not in ("true", "false", "1", "0"):
        raise InvalidParameter({"highlight": ["Expected true or false."]})
    return SearchRequest(
        q=q,
        order=order,
        page_size=page_size_from(request),
        cursor=str(params.get("cursor") or "") or None,
        facets=list(dict.fromkeys(facets)),
        highlight=highlight in ("true", "1"),
        filters=filter_params(params),
    )
