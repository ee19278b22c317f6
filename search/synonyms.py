"""Synonyms, applied when a query is parsed: staff keep sets of terms (search.models.Synonym) and a search
matches each term of a set the query holds, or any of the terms it expands to, with no reindex.

A multi-way set (`tv, television, telly`) makes each of its terms find the others; a one-way set
(`kimchi` -> `김치`) makes its terms find the targets, not the reverse. Terms may be phrases: a query
whose consecutive words spell one (`tv show`) matches it as a phrase or any of its synonyms. Each process
reads the sets again when they change, at most SYNONYMS_TTL_S seconds after the change.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass

from config.replicas import read_connection
from search.query import ParsedQuery, Term

SYNONYMS_TTL_S = 5.0
MAX_TERM_WORDS = 4  # a term of a set is at most this many words
MAX_TERM_LENGTH = 100
MAX_TERMS = 32  # per set, and expansions per query term


def synonym_key(text: str) -> str:
    """A term as sets and queries are matched: lower-cased, accents folded, spaces collapsed (Hangul
    syllables are kept whole)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    return " ".join(folded.split())


@dataclass(frozen=True)
class Expansion:
    term: str  # the query's term as typed
    expanded: list[str]  # what it also finds


class _SynonymCache:
    """Each term's expansions (synonym key -> targets as written), read again when the table changes:
    its row count and newest change, checked at most once per SYNONYMS_TTL_S."""

    def __init__(self) -> None:
        self.expansions: dict[str, list[str]] = {}
        self.version: tuple[int, object] | None = None
        self.checked_at = 0.0

    def get(self) -> dict[str, list[str]]:
        now = time.monotonic()
        if self.version is not None and now - self.checked_at < SYNONYMS_TTL_S:
            return self.expansions
        with read_connection().cursor() as cursor:
            cursor.execute("SELECT count(*), max(updated_at) FROM search_synonym")
            version = tuple(cursor.fetchone())
            if version != self.version:
                cursor.execute("SELECT terms, expands_to FROM search_synonym ORDER BY id")
                self.expansions = expansions_of(cursor.fetchall())
                self.version = version
        self.checked_at = now
        return self.expansions

    def clear(self) -> None:
        self.version = None


def expansions_of(sets: list[tuple[list[str], list[str]]]) -> dict[str, list[str]]:
    """Each term's targets: the other terms of a multi-way set (no `expands_to`), the `expands_to` of a
    one-way one; a term in several sets gets the targets of all of them, once each."""
    expansions: dict[str, dict[str, None]] = {}
    for terms, expands_to in sets:
        for term in terms:
            targets = expands_to or [other for other in terms if other != term]
            found = expansions.setdefault(synonym_key(term), {})
            for target in targets:
                if synonym_key(target) != synonym_key(term):
                    found.setdefault(target, None)
    return {key: list(targets)[:MAX_TERMS] for key, targets in expansions.items() if targets}


synonym_sets = _SynonymCache()
WORD_PATTERN = re.compile(r"\S+")


def _as_term(text: str, negated: bool = False) -> Term:
    return Term(text, phrase=len(text.split()) > 1, negated=negated, synonym=True)


def expand(parsed: ParsedQuery) -> tuple[ParsedQuery, list[Expansion]]:
    """`parsed` with each term that has synonyms (a word, a phrase, or consecutive words that spell a
    multi-word term) turned into an OR of itself and its synonyms; and the expansions used. Excluded
    terms and terms already in an OR group are left as typed."""
    expansions = synonym_sets.get()
    if not expansions:
        return parsed, []
    groups: list[list[Term]] = []
    used: list[Expansion] = []
    i, source = 0, parsed.groups
    while i < len(source):
        group = source[i]
        plain = len(group) == 1 and not group[0].negated
        match = None
        if plain:
            # the longest run of plain words from here that spells a term with synonyms
            for n in range(min(MAX_TERM_WORDS, len(source) - i), 0, -1):
                run = source[i : i + n]
                if n > 1 and not all(len(g) == 1 and not g[0].negated and not g[0].phrase for g in run):
                    continue
                text = " ".join(g[0].text for g in run)
                if synonym_key(text) in expansions:
                    match = (n, text)
                    break
        if match is None:
            groups.append(group)
            i += 1
            continue
        n, text = match
        targets = expansions[synonym_key(text)]
        groups.append([_as_term(text), *(_as_term(target) for target in targets)])
        used.append(Expansion(text, targets))
        i += n
    return ParsedQuery(groups), used
