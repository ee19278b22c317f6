"""Web-search syntax (`words`, `"exact phrase"`, `-excluded`, `or`) parsed into a PostgreSQL tsquery.

Each term matches in every form the index holds: as written (accents folded), under each stemmer the
index uses (`running` finds `run`), and, for Hangul, kana and CJK ideographs, as a phrase of character
bigrams, so that `서울` finds `서울에서`. The tsquery is built by PostgreSQL itself from the parsed
structure, with every user string passed as a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
STEM_CONFIGS = ("english",)  # as vs_stem_config() in migrations_sql/0002
CJK_PATTERN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")
TOKEN_PATTERN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD_EDGE_PUNCTUATION = "\"'`.,;:!?()[]{}<>*&|\\"


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    negated: bool = False

    @property
    def is_cjk(self) -> bool:
        return bool(CJK_PATTERN.search(self.text))


@dataclass
class ParsedQuery:
    """AND of groups; each group an OR of terms."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def positive_words(self) -> list[Term]:
        return [t for t in self.terms if not t.negated and not t.phrase and not t.is_cjk]

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


def _either(a_sql: str, b_sql: str) -> str:
    """`a || b`, or `a` alone where both forms are the same: a repeated lexeme would double the work of
    the GIN scan and of ranking."""
    return (
        f"(SELECT CASE WHEN a = b THEN a ELSE a || b END FROM (SELECT {a_sql} AS a, {b_sql} AS b) AS forms)"
    )


def _term_sql(term: Term, forms: str = "both") -> tuple[str, list[str]]:
    if term.is_cjk:
        # The bigram phrase (for 2+ characters; a 2-character word is its own bigram) or the word
        # as written; a prefix of the word for a single character.
        if len(CJK_PATTERN.findall(term.text)) >= 2:
            sql = _either(
                "phraseto_tsquery('simple', vs_cjk_bigrams(%s))",
                "phraseto_tsquery('simple', vs_unaccent(%s))",
            )
            return sql, [term.text, term.text]
        return "(plainto_tsquery('simple', %s)::text || ':*')::tsquery", [term.text]
    function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
    (config,) = STEM_CONFIGS
    written, stemmed = f"{function}('simple', vs_unaccent(%s))", f"{function}('{config}', vs_unaccent(%s))"
    if forms == "written":
        return written, [term.text]
    if forms == "stemmed":
        return stemmed, [term.text]
    # The word as written, or its stem too where that differs.
    return _either(written, stemmed), [term.text, term.text]


def tsquery_sql(parsed: ParsedQuery, forms: str = "both") -> tuple[str, list[str]]:
    """A SQL expression that evaluates to the tsquery of `parsed`, with its parameters: each word as
    written or its stem (`both`, what matches), or only as written or only stemmed (`written`,
    `stemmed`: what ranks a document without stems, or with them; search.selectors.SCORE_SQL)."""
    group_sqls, params = [], []
    for group in parsed.groups:
        term_sqls = []
        for term in group:
            sql, term_params = _term_sql(term, forms)
            term_sqls.append(f"(!! {sql})" if term.negated else sql)
            params += term_params
        group_sqls.append("(" + " || ".join(term_sqls) + ")")
    return (" && ".join(group_sqls) or "''::tsquery"), params


def to_tsquery(parsed: ParsedQuery) -> str:
    """The tsquery text for `parsed`, built by PostgreSQL ('' when nothing searchable is left)."""
    sql, params = tsquery_sql(parsed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0] or ""
