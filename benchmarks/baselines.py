"""What a typical Django clone does, measured beside our queries in the same run."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, F, Q

from api.models import Video


def by_views(videos):
    """Most viewed first, through the index that orders the API's own order=views (the view-count copy
    on the trending rows), so that the baselines keep the index path they had on api_video."""
    return videos.filter(counters__view_count__gte=0).order_by("-counters__view_count", "-counters__video_id")


def naive_icontains_search(q: str, *, page_size: int = 20) -> tuple[int, list[int]]:
    """`icontains` on title, description and channel name (UPPER(col) LIKE: no index serves it)."""
    condition = Q()
    for word in q.split():
        condition &= (
            Q(title__icontains=word) | Q(description__icontains=word) | Q(channel__name__icontains=word)
        )
    matches = Video.objects.filter(condition)
    total = matches.count()
    page = list(by_views(matches).values_list("id", flat=True)[:page_size])
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
        by_views(Video.objects.filter(title__istartswith=prefix)).values_list("title", flat=True)[:limit]
    )


def naive_suggest_fuzzy(prefix: str, *, limit: int = 10) -> list[str]:
    """Typo-tolerant completion the obvious way: every title's trigram similarity to what was typed."""
    from django.contrib.postgres.search import TrigramWordSimilarity

    return list(
        Video.objects.annotate(similarity=TrigramWordSimilarity(prefix, "title"))
        .filter(similarity__gt=0.3)
        .order_by("-similarity", "-view_count")
        .values_list("title", flat=True)[:limit]
    )


def naive_on_the_fly_vector(q: str) -> int:
    vector = SearchVector("title", weight="A") + SearchVector("description", weight="C")
    return Video.objects.annotate(search=vector).filter(search=SearchQuery(q, config="simple")).count()


def _rows(sql: str, params: list) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def naive_trending(window: str, *, limit: int = 20) -> list[tuple]:
    """Trending as a GROUP BY over the raw events: the decayed sum for `now`, a count inside the window
    for `24h`/`7d`."""
    if window == "now":
        score = "sum(exp(-ln(2) / 6 * extract(epoch FROM now() - e.occurred_at) / 3600))"
        where = "TRUE"
    else:
        score = "count(*)"
        where = f"e.occurred_at > now() - interval '{ {'24h': '24 hours', '7d': '7 days'}[window] }'"
    return _rows(
        f"SELECT e.video_id, {score} AS s FROM analytics_view_event e WHERE {where} "
        "GROUP BY e.video_id ORDER BY s DESC, e.video_id DESC LIMIT %s",
        [limit],
    )


def naive_daily_report(video_ids_sql: str, params: list, days: int) -> list[tuple]:
    """A gap-free daily series of views and watch time straight from the raw events."""
    return _rows(
        f"""
        SELECT d::date, count(e.video_id), coalesce(sum(e.watch_seconds), 0)
        FROM generate_series(current_date - {days - 1}, current_date, interval '1 day') d
        LEFT JOIN analytics_view_event e
               ON e.occurred_at >= d AND e.occurred_at < d + interval '1 day'
              AND e.video_id IN ({video_ids_sql})
        GROUP BY 1 ORDER BY 1
        """,
        params,
    )


def naive_top_category(days: int, *, limit: int = 20) -> list[tuple]:
    return _rows(
        "SELECT v.category, count(*) AS n FROM analytics_view_event e JOIN api_video v ON v.id = e.video_id "
        "WHERE e.occurred_at >= current_date - %s GROUP BY 1 ORDER BY n DESC LIMIT %s",
        [days - 1, limit],
    )


NAIVE_TOP_DIMENSIONS = {
    "video": "v.id::text",
    "channel": "v.channel_id::text",
    "category": "v.category",
    "language": "v.language",
    "tag": "t.tag",
    "country": "e.country",
}


def naive_top(dimension: str, metric: str, days: int, *, limit: int = 20) -> list[tuple]:
    """`top` as a plain GROUP BY over the raw rows: view events (views, watch_seconds), reactions (likes) or
    comments, joined to the catalogue (and its tags), over the last `days` days."""
    tags = "CROSS JOIN LATERAL unnest(v.tags) AS t(tag)" if dimension == "tag" else ""
    if metric in ("views", "watch_seconds"):
        value = "count(*)" if metric == "views" else "sum(e.watch_seconds)"
        source, at = "analytics_view_event e", "e.occurred_at"
    elif metric == "likes":
        value, source, at = "count(*)", "api_reaction e", "e.created_at"
    else:
        value, source, at = "count(*)", "api_comment e", "e.created_at"
    kind = "AND e.kind = 'like'" if metric == "likes" else ""
    return _rows(
        f"SELECT {NAIVE_TOP_DIMENSIONS[dimension]}, {value} AS m FROM {source} JOIN api_video v ON v.id = e.video_id "
        f"{tags} WHERE {at} >= current_date - %s {kind} GROUP BY 1 ORDER BY m DESC LIMIT %s",
        [days - 1, limit],
    )


def naive_ingest(events: list[dict]) -> int:
    """Row by row, as a plain ORM view would: each event inserted and its video's counter bumped, one
    statement each, no rollups (reports then GROUP BY the raw events). Rolled back: leaves nothing."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS naive_view_event (LIKE analytics_view_event INCLUDING ALL)"
        )
        for e in events:
            cursor.execute(
                "INSERT INTO naive_view_event (event_id, video_id, occurred_at, watch_seconds, country, device, "
                "viewer_id) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [
                    e["event_id"],
                    e["video_id"],
                    e["occurred_at"],
                    e["watch_seconds"],
                    e["country"],
                    e["device"],
                    e["viewer_id"],
                ],
            )
            cursor.execute("UPDATE api_video SET view_count = view_count + 1 WHERE id = %s", [e["video_id"]])
        transaction.set_rollback(True)
    return len(events)


def naive_related(video_id: int, *, limit: int = 10) -> list[int]:
    """Related videos the obvious way: every document holding any word of the video's title, ranked by
    ts_rank against them all."""
    return [
        row[0]
        for row in _rows(
            """
            WITH q AS (
                SELECT to_tsquery('simple', string_agg(quote_literal(w), ' | ')) AS q
                FROM api_video v, unnest(vs_words(v.title, v.tags, NULL)) AS w WHERE v.id = %s
            )
            SELECT d.video_id FROM search_document d, q
            WHERE d.document @@ q.q AND d.video_id <> %s
            ORDER BY ts_rank(d.document, q.q) DESC, d.video_id DESC LIMIT %s
            """,
            [video_id, video_id, limit],
        )
    ]


NAIVE_MODEL_COLUMNS = {
    "day": "(e.occurred_at AT TIME ZONE 'UTC')::date",
    "week": "date_trunc('week', e.occurred_at AT TIME ZONE 'UTC')::date",
    "month": "date_trunc('month', e.occurred_at AT TIME ZONE 'UTC')::date",
    "country": "e.country",
    "device": "e.device",
    "video": "e.video_id",
    "channel": "v.channel_id",
    "category": "v.category",
    "language": "v.language",
    "elapsed_ratio": "least(10, floor(10 * coalesce(e.position_seconds, e.watch_seconds) / nullif(v.duration_s, 0)))",
}


def naive_model(scope: str, scope_id: int | None, params: dict[str, str], days: int) -> list[tuple]:
    """A query-model report as a GROUP BY of the raw events joined to the catalogue: its dimensions, its
    filters, views and watch time over the range (no empty buckets, no comparison, no likes, comments or
    distinct viewers: less than the report gives)."""
    dims = [d for d in (params.get("dimensions") or ("video" if scope == "top" else "day")).split(",") if d]
    where = ["e.occurred_at >= current_date - %s"]
    values: list = [days - 1]
    if scope in ("video", "channel"):
        where.append("e.video_id = %s" if scope == "video" else "v.channel_id = %s")
        values.append(scope_id)
    for part in filter(None, (params.get("filters") or "").split(";")):
        field, _, listed = part.partition("==")
        where.append(f"{NAIVE_MODEL_COLUMNS[field]} = ANY(%s)")
        values.append([int(x) if field in ("video", "channel") else x for x in listed.split(",")])
    columns = ", ".join(NAIVE_MODEL_COLUMNS[d] for d in dims)
    order = "ORDER BY count(*) DESC LIMIT 25" if dims[0] in ("video", "channel") else ""
    return _rows(
        f"SELECT {columns}, count(*), sum(e.watch_seconds) FROM analytics_view_event e "
        f"JOIN api_video v ON v.id = e.video_id WHERE {' AND '.join(where)} "
        f"GROUP BY {', '.join(str(i + 1) for i in range(len(dims)))} {order}",
        values,
    )
