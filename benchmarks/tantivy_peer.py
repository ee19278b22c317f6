"""tantivy (the Rust engine inside ParadeDB and Quickwit), indexing the same videos, as the search peer
measured in the same run as ours.

The index holds what ours matches: title, tags, channel name and description (English stems, as
tantivy's `en_stem` analyzer gives them), the character bigrams of Hangul, kana and CJK runs (the
bigrams our document holds, made by the same rule), and the filter columns as raw terms. A query is
BM25 weighted by log views (`weight_by_field`), top 10 with the exact count, like ours.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from search.query import parse

CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]{2,}")
TEXT_FIELDS = ("title", "tags", "channel", "description")
FIELD_BOOSTS = {"title": 1.0, "tags": 0.4, "channel": 0.4, "description": 0.2}  # ours: A, B, B, C
FILTER_FIELDS = ("category", "language", "region")
FACET_FIELDS = {"category": "category", "language": "language", "region": "region", "tags": "tag"}
QUERY_SYNTAX = re.compile(r'[+\-:^"\'()\[\]{}!~*?\\/<>=&|`]')  # dropped from words
DURATIONS = {"short": (0, 239), "medium": (240, 1200), "long": (1201, 1 << 31)}


def cjk_bigrams(text: str) -> str:
    return " ".join(run[i : i + 2] for run in CJK_RUN.findall(text) for i in range(len(run) - 1))


@dataclass
class Peer:
    index: object
    build_s: float
    size_bytes: int
    documents: int

    def search(self, params: dict[str, str], limit: int = 10) -> tuple[int, list[int]]:
        """(exact count, ids of the top `limit`) for the request `params` of our API."""
        query = self.index.parse_query(
            to_query_text(params), list(TEXT_FIELDS), field_boosts=FIELD_BOOSTS, conjunction_by_default=True
        )
        searcher = self.index.searcher()
        order = params.get("order", "relevance")
        if order in ("date", "views"):
            result = searcher.search(
                query, limit, count=True, order_by_field="published" if order == "date" else "views"
            )
        else:
            result = searcher.search(query, limit, count=True, weight_by_field="views")
        facets = [f for f in params.get("facets", "").split(",") if f in FACET_FIELDS]
        if facets:
            searcher.aggregate(query, {f: {"terms": {"field": FACET_FIELDS[f], "size": 20}} for f in facets})
        return result.count, [searcher.doc(address)["id"][0] for _, address in result.hits]


def to_query_text(params: dict[str, str]) -> str:
    """Our request in tantivy's query language: every group of terms required, `-` terms excluded,
    `or` groups as alternatives, phrases as phrases, CJK terms as bigram phrases, filters as terms."""
    clauses = []
    for group in parse(params.get("q", "")).groups:
        alternatives = []
        for term in group:
            if term.is_cjk:
                grams = cjk_bigrams(term.text) or term.text
                text = f'cjk:"{grams}"'
            else:
                words = QUERY_SYNTAX.sub(" ", term.text).split()
                if not words:
                    continue
                text = f'"{" ".join(words)}"'  # quoted: a word such as IN or AND is no operator
            alternatives.append((term.negated, text))
        negated = [text for is_negated, text in alternatives if is_negated]
        positive = [text for is_negated, text in alternatives if not is_negated]
        clauses += [f"-{text}" for text in negated]
        if positive:
            clauses.append(f"+({' OR '.join(positive)})" if len(positive) > 1 else f"+{positive[0]}")
    for name in FILTER_FIELDS:
        values = [v for v in params.get(name, "").split(",") if v]
        if values:
            clauses.append("+(" + " OR ".join(f'{name}:"{v}"' for v in values) + ")")
    if params.get("duration") in DURATIONS:
        low, high = DURATIONS[params["duration"]]
        clauses.append(f"+duration:[{low} TO {high}]")
    if params.get("published_after"):
        clauses.append(f"+published:[{_epoch(params['published_after'])} TO *]")
    return " ".join(clauses) or "*"


def _epoch(day: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def build(cursor, path: Path, *, progress=None) -> Peer:
    """Index every video of the catalogue (read through `cursor`) into a new index at `path`."""
    import tantivy

    schema_builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        schema_builder.add_text_field(name, tokenizer_name="en_stem")
    schema_builder.add_text_field("cjk", tokenizer_name="whitespace")
    for name in FILTER_FIELDS:
        schema_builder.add_text_field(name, tokenizer_name="raw", fast=True)
    schema_builder.add_text_field("tag", tokenizer_name="raw", fast=True)
    schema_builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    schema_builder.add_unsigned_field("views", fast=True)
    schema_builder.add_unsigned_field("published", indexed=True, fast=True)
    schema_builder.add_unsigned_field("duration", indexed=True, fast=True)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tantivy.Index(schema_builder.build(), path=str(path))
    started = time.perf_counter()
    writer = index.writer(heap_size=1 << 30, num_threads=2)
    cursor.execute(
        """
        SELECT v.id, v.title, array_to_string(v.tags, ' '), c.name, v.description, v.tags, v.category,
               v.language, v.region, v.view_count, extract(epoch FROM v.published_at)::bigint, v.duration_s
        FROM api_video v JOIN api_channel c ON c.id = v.channel_id
        """
    )
    documents = 0
    while rows := cursor.fetchmany(10_000):
        for row in rows:
            video_id, title, tags, channel, description, tag_list, category, language, region, *numbers = row
            views, published, duration = numbers
            document = tantivy.Document()
            for name, value in (
                ("id", video_id),
                ("views", views),
                ("published", published),
                ("duration", duration),
            ):
                document.add_unsigned(name, max(0, value))
            texts = {"title": title, "tags": tags, "channel": channel, "description": description}
            texts |= {"cjk": cjk_bigrams(" ".join(texts.values())), "category": category}
            texts |= {"language": language, "region": region}
            for name, value in texts.items():
                document.add_text(name, value)
            for tag in tag_list:
                document.add_text("tag", tag)
            writer.add_document(document)
        documents += len(rows)
        if progress:
            progress(len(rows))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build_s = time.perf_counter() - started
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    (path.parent / "tantivy.json").write_text(json.dumps({"build_s": build_s, "documents": documents}))
    return Peer(index=index, build_s=build_s, size_bytes=size, documents=documents)


def reopen(path: Path, *, documents: int) -> Peer | None:
    """The index `build` left at `path`, if it holds `documents` documents (a rerun on the same
    catalogue need not index it again)."""
    import tantivy

    marker = path.parent / "tantivy.json"
    if not marker.exists():
        return None
    built = json.loads(marker.read_text())
    if built["documents"] != documents:
        return None
    index = tantivy.Index.open(str(path))
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return Peer(index=index, build_s=built["build_s"], size_bytes=size, documents=documents)
