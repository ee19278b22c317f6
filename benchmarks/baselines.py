"""What a typical Django clone does, measured beside our queries in the same run."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, F, Q

from api.models import Video


def naive_icontains_search(q: str, *, page_size: int = 20) -> tuple[int, list[int]]:
    """`icontains` on title, description and channel name (UPPER(col) LIKE: no index serves it)."""
    condition = Q()
    for word in q.split():
        condition &= (
            Q(title__icontains=word) | Q(description__icontains=word) | Q(channel__name__icontains=word)
        )
    matches = Video.objects.filter(condition)
    total = matches.count()
    page = list(matches.order_by("-view_count", "-id").values_list("id", flat=True)[:page_size])
    return total, page


def naive_rank_search(q: str, *, page_size: int = 20) -> tuple[int, list[int]]:
    """Django's SearchRank over every match, with no bound (the matches come from our GIN index, so
    this isolates the cost of ranking them all)."""
    query = SearchQuery(q, search_type="websearch", config="simple")
    from search.models import SearchDocument

    matches = SearchDocument.objects.filter(document=query)
    total = matches.count()
    page = list(
        matches.annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "-video_id")
        .values_list("video_id", flat=True)[:page_size]
    )
    return total, page


def naive_facets(q: str) -> dict:
    matches = Video.objects.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return {
        "category": list(matches.values("category").annotate(n=Count("id")).order_by("-n")),
        "language": list(matches.values("language").annotate(n=Count("id")).order_by("-n")),
    }


def naive_suggest(prefix: str, *, limit: int = 10) -> list[str]:
    return list(
        Video.objects.filter(title__istartswith=prefix)
        .order_by("-view_count")
        .values_list("title", flat=True)[:limit]
    )


def naive_on_the_fly_vector(q: str) -> int:
    vector = SearchVector("title", weight="A") + SearchVector("description", weight="C")
    return Video.objects.annotate(search=vector).filter(search=SearchQuery(q, config="simple")).count()
