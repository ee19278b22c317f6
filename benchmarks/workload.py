"""The search workload of `make bench`: queries as users type them, drawn from the seeded catalogue.

Deterministic for a given catalogue and seed: videos are drawn by id from a seeded random generator, and
every query is built from one drawn video's own text (its title, its channel's name, its filters), so the
mix follows the catalogue's own vocabulary and languages. Each kind is one shape of request; the named
scenarios of `benchmarks.scenarios` stay beside it as named cases.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import zip_longest

KINDS = (
    "one_word",
    "two_words",
    "three_words",
    "phrase",
    "exclusion",
    "misspelled",
    "korean_2_syllable",
    "japanese_2_char",
    "title_and_channel",
    "filtered",
    "facets",
    "ordered",
)
PER_KIND = 30
# The suggestion workload: prefixes as they are typed, from the catalogue's titles and channel names.
SUGGEST_KINDS = (
    "first_letters",  # 1-2 characters of a word: the precomputed top lists
    "word_prefix",  # 3 characters to the whole of a title's word
    "title_prefix",  # a title's start, cut inside its second or third word
    "channel_prefix",  # a channel name's start
    "korean_prefix",  # 1-4 syllables of a Korean title's word
    "japanese_prefix",  # 1-3 characters of a Japanese title's run
    "typo_prefix",  # 6-9 letters of a word, then one slip (the typo-tolerant path)
)
SUGGEST_PER_KIND = 40
ORDERS = ("date", "views", "rating", "trending")
FACET_SETS = ("category,language", "category,language,region,duration", "tags", "duration,region")
# Match-count bands of the report: at most this many matches (the last band is the rest).
BANDS = ((100, "<=100"), (1_000, "<=1,000"), (10_000, "<=10,000"), (None, ">10,000"))
WORD = re.compile(r"[^\W\d_]{3,}")
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_STOP_WORDS = (
    "the and for with how you your this that from are was our its into what when why who all new not "
    "but can has had any out get got one two day top best more most very just like los las del por con "
    "para una uno les des une pour avec dans sur und der die das mit von den für ein eine"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    params: dict[str, str] = field(hash=False)

    @property
    def q(self) -> str:
        return self.params.get("q", "")


@dataclass(frozen=True)
class Source:
    """One drawn video: the text and filters a query is built from."""

    video_id: int
    title: str
    channel_name: str
    language: str
    category: str
    region: str
    duration_s: int
    published_at: object

    def words(self) -> list[str]:
        return [w for w in WORD.findall(self.title) if w.lower() not in STOP_WORDS]


def band_of(matches: int) -> str:
    for limit, name in BANDS:
        if limit is None or matches <= limit:
            return name
    raise AssertionError(matches)


def draw_sources(cursor, *, seed: int, count: int) -> list[Source]:
    """`count` videos drawn by id, deterministically for a catalogue and seed."""
    cursor.execute("SELECT min(id), max(id) FROM api_video")
    low, high = cursor.fetchone()
    if low is None:
        return []
    rng = random.Random(seed)
    ids = sorted({rng.randint(low, high) for _ in range(count * 2)})
    cursor.execute(
        """
        SELECT v.id, v.title, c.name, v.language, v.category, v.region, v.duration_s, v.published_at
        FROM api_video v JOIN api_channel c ON c.id = v.channel_id
        WHERE v.id = ANY(%(ids)s) ORDER BY v.id
        """,
        {"ids": ids},
    )
    return [Source(*row) for row in cursor.fetchall()]


def misspell(word: str, rng: random.Random) -> str:
    """One typing slip inside a word of at least 5 letters: two neighbours swapped, or a letter dropped
    or doubled."""
    i = rng.randint(1, len(word) - 3)
    slip = rng.choice(("swap", "drop", "double"))
    if slip == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if slip == "drop":
        return word[:i] + word[i + 1 :]
    return word[: i + 1] + word[i] + word[i + 1 :]


def consecutive(words: list[str], n: int, rng: random.Random) -> list[str] | None:
    if len(words) < n:
        return None
    start = rng.randint(0, len(words) - n)
    return words[start : start + n]


def cjk_pair(text: str, pattern: re.Pattern, rng: random.Random) -> str | None:
    runs = pattern.findall(text)
    if not runs:
        return None
    run = rng.choice(runs)
    starts = [i for i in range(len(run) - 1) if run[i] != "ー"]  # a long-vowel mark starts no word
    if not starts:
        return None
    start = rng.choice(starts)
    return run[start : start + 2]


def build(kind: str, source: Source, rng: random.Random) -> dict[str, str] | None:  # noqa: PLR0911, PLR0912
    """The query parameters of one request of `kind` built from `source`, or None where the video's
    text cannot make one (a Korean title has no English word to misspell)."""
    words = source.words()
    latin = source.language not in ("ko", "ja")
    if kind in ("one_word", "two_words", "three_words"):
        picked = consecutive(words, KINDS.index(kind) + 1, rng) if latin else None
        return {"q": " ".join(picked)} if picked else None
    if kind == "phrase":
        picked = consecutive(words, 2, rng) if latin else None
        return {"q": f'"{" ".join(picked)}"'} if picked else None
    if kind == "exclusion":
        picked = consecutive(words, 2, rng) if latin else None
        return {"q": f"{picked[0]} -{picked[1]}"} if picked else None
    if kind == "misspelled":
        long_words = [w for w in words if len(w) >= 5 and w.isascii()] if latin else []
        if not long_words:
            return None
        word = rng.choice(long_words)
        typo = misspell(word.lower(), rng)
        other = [w for w in words if w.lower() not in (typo, word.lower())]
        return {"q": f"{typo} {other[0]}" if other and rng.random() < 0.5 else typo}
    if kind == "korean_2_syllable":
        pair = cjk_pair(source.title, HANGUL_RUN, rng) if source.language == "ko" else None
        return {"q": pair} if pair else None
    if kind == "japanese_2_char":
        pair = cjk_pair(source.title, JAPANESE_RUN, rng) if source.language == "ja" else None
        return {"q": pair} if pair else None
    if kind == "title_and_channel":
        return {"q": f"{source.title} {source.channel_name}"[:200]}
    if kind == "filtered":
        picked = consecutive(words, 1, rng) or (
            [cjk_pair(source.title, HANGUL_RUN, rng)] if not latin else None
        )
        if not picked or not picked[0]:
            return None
        params = {"q": picked[0]}
        choice = rng.choice(("category", "language", "region", "duration", "published_after"))
        if choice == "duration":
            params["duration"] = (
                "short" if source.duration_s < 240 else "medium" if source.duration_s <= 1200 else "long"
            )
        elif choice == "published_after":
            params["published_after"] = (source.published_at - timedelta(days=30)).date().isoformat()
        else:
            params[choice] = getattr(source, choice)
        return params
    if kind == "facets":
        picked = consecutive(words, rng.choice((1, 2)), rng) if latin else None
        return {"q": " ".join(picked), "facets": rng.choice(FACET_SETS)} if picked else None
    if kind == "ordered":
        picked = consecutive(words, 1, rng) if latin else None
        return {"q": picked[0], "order": rng.choice(ORDERS)} if picked else None
    raise ValueError(f"unknown kind {kind!r}")


def suggest_prefix(kind: str, source: Source, rng: random.Random) -> str | None:  # noqa: PLR0911
    """The `q` of one suggestion request of `kind` typed from `source`, or None where its text has none."""
    words = [w for w in WORD.findall(source.title) if w.isascii()]
    if kind == "first_letters":
        return rng.choice(words)[: rng.randint(1, 2)].lower() if words else None
    if kind == "word_prefix":
        word = rng.choice(words) if words else ""
        return word[: rng.randint(3, len(word))].lower() if len(word) >= 3 else None
    if kind == "title_prefix":
        parts = source.title.split()
        if len(parts) < 2 or source.language in ("ko", "ja"):
            return None
        cut = rng.randint(1, min(2, len(parts) - 1))
        last = parts[cut]
        return " ".join([*parts[:cut], last[: rng.randint(1, len(last))]]).lower()
    if kind == "channel_prefix":
        name = source.channel_name
        return name[: rng.randint(3, len(name))].lower() if len(name) >= 3 else None
    if kind == "korean_prefix":
        runs = HANGUL_RUN.findall(source.title) if source.language == "ko" else []
        run = rng.choice(runs) if runs else ""
        return run[: rng.randint(1, min(4, len(run)))] if run else None
    if kind == "japanese_prefix":
        runs = JAPANESE_RUN.findall(source.title) if source.language == "ja" else []
        run = rng.choice(runs) if runs else ""
        return run[: rng.randint(1, min(3, len(run)))] if run else None
    if kind == "typo_prefix":
        long_words = [w for w in words if len(w) >= 6]
        if not long_words:
            return None
        word = rng.choice(long_words).lower()
        return misspell(word[: rng.randint(6, min(9, len(word)))], rng)
    raise ValueError(f"unknown kind {kind!r}")


def suggest_workload(cursor, *, seed: int = 19, per_kind: int = SUGGEST_PER_KIND) -> dict[str, list[str]]:
    """`per_kind` distinct prefixes of each kind in SUGGEST_KINDS, each typed from a drawn video's title or
    channel name (deterministic for a catalogue and seed)."""
    sources = draw_sources(cursor, seed=seed, count=per_kind * len(SUGGEST_KINDS) * 8)
    rng = random.Random(seed)
    prefixes: dict[str, list[str]] = {}
    for kind in SUGGEST_KINDS:
        chosen: dict[str, None] = {}
        for source in rng.sample(sources, len(sources)):
            if len(chosen) >= per_kind:
                break
            prefix = suggest_prefix(kind, source, rng)
            if prefix and prefix.strip():
                chosen[prefix] = None
        prefixes[kind] = list(chosen)
    return prefixes


def search_workload(cursor, *, seed: int = 15, per_kind: int = PER_KIND) -> list[SearchQuery]:
    """`per_kind` queries of each kind in KINDS, each built from a video of the catalogue; kinds in
    turn, so that a prefix of the list is a mix too."""
    sources = draw_sources(cursor, seed=seed, count=per_kind * len(KINDS) * 8)
    rng = random.Random(seed)
    by_kind: dict[str, list[SearchQuery]] = {kind: [] for kind in KINDS}
    seen: set[tuple] = set()
    for kind in KINDS:
        for source in rng.sample(sources, len(sources)):
            if len(by_kind[kind]) >= per_kind:
                break
            params = build(kind, source, rng)
            key = (kind, *sorted(params.items())) if params else None
            if params and key not in seen:
                seen.add(key)
                by_kind[kind].append(SearchQuery(kind, params))
    return [query for round_ in zip_longest(*by_kind.values()) for query in round_ if query is not None]
