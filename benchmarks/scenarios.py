"""The queries every benchmark measures, chosen by how much of a seeded catalogue they match."""

from __future__ import annotations

SEARCH_SCENARIOS = {
    # name: (query parameters, what it stands for)
    "selective": ({"q": "kimchi stew"}, "a phrase in well under 1% of videos"),
    "broad": (
        {"q": "subscribe", "order": "relevance", "facets": "category,language"},
        "a word in more than 10% of videos, ranked, with facets",
    ),
    "korean_2_syllable": ({"q": "제주"}, "a 2-syllable Korean word inside longer words"),
    "filter_meta": (
        {"category": "music", "meta.captions": "ko", "facets": "language"},
        "filter-only browsing with a jsonb filter",
    ),
}
SUGGEST_SCENARIOS = {
    "suggest": ({"q": "kim"}, "as-you-type prefix"),
    "suggest_korean": ({"q": "김치"}, "Korean prefix"),
}
