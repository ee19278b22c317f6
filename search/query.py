"""Web-search syntax (`words`, `"exact phrase"`, `-excluded`, `or`) parsed into a PostgreSQL tsquery.

Each term matches in every form the index holds: as written (accents folded), as stemmed by the stemmer
of each catalogue language its word could belong to (`running` finds `run` in English videos, `canciones`
finds `canción` in Spanish ones), and, for Hangul, kana and CJK ideographs, as a phrase of character
bigrams, so that `서울` finds `서울에서`. A document's stems are marked with its language ('es:cancion',
vs_mark_lexemes), and so are a query's: a word stemmed for French matches French videos only. The tsquery
is built by PostgreSQL itself from the parsed structure, with every user string passed as a parameter.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from config.replicas import read_connection

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
# The languages vs_stem_config() (search/sql/functions.sql) stems, by ISO 639-1 code: the text search
# configuration and the script their words are written in. A query's word is stemmed for the catalogue's
# languages whose script it is written in.
STEM_LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("arabic", "arabic"),
    "hy": ("armenian", "armenian"),
    "eu": ("basque", "latin"),
    "ca": ("catalan", "latin"),
    "da": ("danish", "latin"),
    "nl": ("dutch", "latin"),
    "en": ("english", "latin"),
    "fi": ("finnish", "latin"),
    "fr": ("french", "latin"),
    "de": ("german", "latin"),
    "el": ("greek", "greek"),
    "hi": ("hindi", "devanagari"),
    "hu": ("hungarian", "latin"),
    "id": ("indonesian", "latin"),
    "ga": ("irish", "latin"),
    "it": ("italian", "latin"),
    "lt": ("lithuanian", "latin"),
    "ne": ("nepali", "devanagari"),
    "no": ("norwegian", "latin"),
    "nb": ("norwegian", "latin"),
    "pt": ("portuguese", "latin"),
    "ro": ("romanian", "latin"),
    "ru": ("russian", "cyrillic"),
    "sr": ("serbian", "cyrillic"),  # and in Latin letters: SCRIPT_LANGUAGES
    "es": ("spanish", "latin"),
    "sv": ("swedish", "latin"),
    "ta": ("tamil", "tamil"),
    "tr": ("turkish", "latin"),
    "yi": ("yiddish", "hebrew"),
}
SCRIPT_PATTERNS = {  # the letters of each script (a word's digits and marks do not decide it)
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile(r"[\u0400-\u052f]"),
    "greek": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "armenian": re.compile(r"[\u0530-\u058f]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "tamil": re.compile(r"[\u0b80-\u0bff]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
}
SCRIPT_LANGUAGES: dict[str, set[str]] = {script: set() for script in SCRIPT_PATTERNS}
for _code, (_config, _script) in STEM_LANGUAGES.items():
    SCRIPT_LANGUAGES[_script].add(_code)
SCRIPT_LANGUAGES["latin"].add("sr")
# How long a process trusts its list of the catalogue's stemmed languages (search_language): a video in
# a new language is found by its stems within this many seconds.
LANGUAGES_TTL_S = 10.0
CJK_PATTERN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")
TOKEN_PATTERN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_EDGE_PUNCTUATION = "\"'`.,;:!?()[]{}<>*&|\\"


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    negated: bool = False
    synonym: bool = False  # a term with synonyms, or one of them (search.synonyms): never "misspelled"

    @property
    def is_cjk(self) -> bool:
        return bool(CJK_PATTERN.search(self.text))

    def stem_languages(self, languages: Iterable[str]) -> list[str]:
        """Those of `languages` whose script this term's letters are written in, in a stable order."""
        if self.is_cjk:
            return []
        scripts = _scripts(self.text)
        return sorted(code for code in languages if any(code in SCRIPT_LANGUAGES[s] for s in scripts))


@functools.lru_cache(maxsize=4096)
def _scripts(text: str) -> tuple[str, ...]:
    """The scripts (SCRIPT_PATTERNS) whose letters `text` holds: asked for each term in each of a query's
    tsqueries."""
    return tuple(script for script, pattern in SCRIPT_PATTERNS.items() if pattern.search(text))


@dataclass
class ParsedQuery:
    """AND of groups; each group an OR of terms."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def positive_words(self) -> list[Term]:
        return [t for t in self.terms if not t.negated and not t.phrase and not t.is_cjk and not t.synonym]

    @property
    def has_positive(self) -> bool:
        return any(not t.negated for t in self.terms)

    @property
    def estimate_is_doubtful(self) -> bool:
        """Whether the planner's estimate of the matches may be far too high: it takes words as
        independent, so words that seldom meet, or a word and an exclusion that mostly comes with it,
        match far fewer videos than it expects (`nobody -tells`: 50,669 expected, none found)."""
        return len(self.groups) > 1 or any(t.negated for t in self.terms)

    def replace_words(self, corrections: dict[str, str]) -> ParsedQuery:
        return ParsedQuery(
            [
                [Term(corrections.get(t.text, t.text), t.phrase, t.negated) for t in group]
                for group in self.groups
            ]
        )

    def as_text(self) -> str:
        parts = []
        for group in self.groups:
            rendered = [("-" if t.negated else "") + (f'"{t.text}"' if t.phrase else t.text) for t in group]
            parts.append(" or ".join(rendered))
        return " ".join(parts)


def parse(q: str) -> ParsedQuery:
    """Parse like websearch_to_tsquery: unbalanced quotes close at the end, a lone `-` or `or` is ignored."""
    q = q.replace("\x00", " ")
    groups: list[list[Term]] = []
    pending_or = False
    for match in TOKEN_PATTERN.finditer(q):
        negated_phrase, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                pending_or = bool(groups)
                continue
            negated = word.startswith("-")
            text = word.lstrip("-").strip(WORD_EDGE_PUNCTUATION)
            term = Term(text, phrase=False, negated=negated) if text else None
        else:
            text = " ".join(phrase.split())
            term = Term(text, phrase=True, negated=bool(negated_phrase)) if text else None
        if term is None:
            continue
        if pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
        if len(groups) >= MAX_TERMS:
            break
    return ParsedQuery(groups)


class _LanguageCache:
    """The catalogue's languages that have a stemmer (search_language, kept by the document triggers),
    read at most once per LANGUAGES_TTL_S in each process."""

    def __init__(self) -> None:
        self.languages: frozenset[str] | None = None
        self.read_at = 0.0

    def get(self) -> frozenset[str]:
        now = time.monotonic()
        if self.languages is None or now - self.read_at > LANGUAGES_TTL_S:
            with read_connection().cursor() as cursor:
                cursor.execute("SELECT language FROM search_language")
                self.languages = frozenset(code for (code,) in cursor.fetchall() if code in STEM_LANGUAGES)
            self.read_at = now
        return self.languages

    def clear(self) -> None:
        self.languages = None


catalogue_languages = _LanguageCache()


def query_languages(filtered: Collection[str] | None = None) -> list[str]:
    """The languages a query is stemmed for: the catalogue's stemmed languages, only those of the
    `language` filter when there is one."""
    languages = catalogue_languages.get()
    if filtered:
        languages = languages & frozenset(filtered)
    return sorted(languages)


def _either(a_sql: str, b_sql: str) -> str:
    """`a || b`, or `a` alone where both forms are the same: a repeated lexeme would double the work of
    the GIN scan and of ranking (vs_either, search/sql/functions.sql)."""
    return f"vs_either({a_sql}, {b_sql})"


@dataclass(frozen=True)
class Forms:
    """Which forms of each word a tsquery holds: as written, and the stems of `stems` (languages),
    marked with their language (`marked`, as the documents hold them) or not (as ts_headline parses a
    text with the language's configuration)."""

    written: bool = True
    stems: tuple[str, ...] = ()
    marked: bool = True


class Pieces:
    """The distinct word-level tsqueries (a word as written, or stemmed for one language, marked or not)
    of the tsqueries of one statement, each evaluated once and built on one another: each word's accents
    folded once, each stem computed once and marked from it. A title typed with its channel's name, ten
    words in four languages, wants its words' forms in ten tsqueries and in each group's: written out in
    each, about 250 stemmer calls and as many of vs_unaccent and vs_mark_lexemes (a regular expression),
    where 10 words, 40 stems and 40 marks differ (search.selectors.analyse: 7.4 -> 3.6 ms at 1M videos).
    A piece is referred to as an element of `s` or `m`, which `from_sql` makes; the statement's own
    expressions only combine them, with no parameters of their own."""

    def __init__(self) -> None:
        self.words: dict[str, int] = {}
        self.stems: dict[str, int] = {}
        self.marks: dict[tuple[str, str], int] = {}
        self.params: list[str] = []  # those of the expressions: none

    def stem(self, template: str, text: str) -> str:
        """`template` of the word as typed (`{w}`) or with its accents folded (`{u}`)."""
        i = self.words.setdefault(text, len(self.words) + 1)
        return f"s[{self.stems.setdefault(template.format(w=f'w[{i}]', u=f'u[{i}]'), len(self.stems) + 1)}]"

    def mark(self, stem: str, language: str) -> str:
        return f"m[{self.marks.setdefault((stem, language), len(self.marks) + 1)}]"

    def from_sql(self) -> tuple[str, list[Any]]:
        """A FROM item of one row whose columns `s` and `m` hold every piece, with its parameters. Each
        level is its own subquery (OFFSET 0), so that it is evaluated once rather than in each reference,
        as a subquery pulled up into the statement would be."""
        words = list(self.words)
        folded = ", ".join("vs_unaccent(%s)" for _ in words) or "NULL"
        stems = ", ".join(self.stems) or "NULL"
        marks = ", ".join(_marked(stem, language) for stem, language in self.marks) or "NULL"
        sql = (
            f"(SELECT s, ARRAY[{marks}]::tsquery[] AS m FROM "
            f"(SELECT ARRAY[{stems}]::tsquery[] AS s FROM "
            f"(SELECT ARRAY[{folded}]::text[] AS u, %s::text[] AS w OFFSET 0) AS words OFFSET 0) AS stems "
            "OFFSET 0) AS pieces"
        )
        return sql, [*words, words]


class InlinePieces:
    """Each piece written out where it is used, its word a parameter of the expression (`params`, in the
    order of the expression's placeholders); nothing to evaluate apart."""

    def __init__(self) -> None:
        self.params: list[str] = []

    def stem(self, template: str, text: str) -> str:
        self.params.append(text)
        return template.format(w="%s", u="vs_unaccent(%s)")

    def mark(self, stem: str, language: str) -> str:
        return _marked(stem, language)


def _marked(stem_sql: str, language: str) -> str:
    """A stem's tsquery with its lexemes marked with their language, as the documents hold them."""
    return f"vs_mark_lexemes({stem_sql}::text, '{language}')::tsquery"


def _term_sql(term: Term, forms: Forms, pieces: Pieces | InlinePieces) -> str:
    """The SQL of a term's tsquery in `forms`, made of `pieces`."""
    if term.is_cjk:
        # The bigram phrase (for 2+ characters; a 2-character word is its own bigram) or the word
        # as written; a prefix of the word for a single character.
        if len(CJK_PATTERN.findall(term.text)) >= 2:
            return _either(
                pieces.stem("phraseto_tsquery('simple', vs_cjk_bigrams({w}))", term.text),
                pieces.stem("phraseto_tsquery('simple', {u})", term.text),
            )
        return pieces.stem("(plainto_tsquery('simple', {w})::text || ':*')::tsquery", term.text)
    function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
    languages = term.stem_languages(forms.stems)
    # a word no stemmer of the asked languages reads ranks as written
    sqls = [pieces.stem(f"{function}('simple', {{u}})", term.text)] if forms.written or not languages else []
    for language in languages:
        stem = pieces.stem(f"{function}('{STEM_LANGUAGES[language][0]}', {{u}})", term.text)
        sqls.append(pieces.mark(stem, language) if forms.marked else stem)
    if len(sqls) == 2 and not forms.marked:
        # the word as written, or its stem too where that differs
        return _either(*sqls)
    return "(" + " || ".join(sqls) + ")"


def tsquery_sql(
    parsed: ParsedQuery, forms: Forms = Forms(), pieces: Pieces | None = None
) -> tuple[str, list[str]]:
    """A SQL expression that evaluates to the tsquery of `parsed` in its `forms`, with its parameters:
    what matches (each word as written or stemmed for each language it may be in), what ranks a document
    of one language (its language's stems only; the words as written where it has no stemmer:
    search.selectors.SCORE_SQL), or what ts_headline marks in it. Its words' forms are written out in it,
    or, with `pieces`, are those pieces (and it has no parameters of its own)."""
    writer = InlinePieces() if pieces is None else pieces
    group_sqls = []
    for group in parsed.groups:
        term_sqls = []
        for term in group:
            sql = _term_sql(term, forms, writer)
            term_sqls.append(f"(!! {sql})" if term.negated else sql)
        group_sqls.append("(" + " || ".join(term_sqls) + ")")
    return (" && ".join(group_sqls) or "''::tsquery"), writer.params


def to_tsquery(parsed: ParsedQuery, languages: Collection[str] | None = None) -> str:
    """The tsquery text that matches `parsed`, stemmed for `languages` (default: the catalogue's), built
    by PostgreSQL ('' when nothing searchable is left)."""
    stems = tuple(query_languages() if languages is None else languages)
    sql, params = tsquery_sql(parsed, Forms(stems=stems))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0] or ""
