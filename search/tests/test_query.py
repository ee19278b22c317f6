"""The tsquery a search builds from its terms (search.query), built by PostgreSQL."""

from __future__ import annotations

import pytest

from search.query import parse, to_tsquery


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kimchi", "'kimchi'"),
        ("running kimchi", "( 'running' | 'run' ) & 'kimchi'"),
        ("서울에서", "'서울' <-> '울에' <-> '에서' | '서울에서'"),
        # a 2-syllable word is its own bigram: once, not `'제주' | '제주'`
        ("제주", "'제주'"),
        ('"제주 여행"', "'제주' <-> '여행'"),
        ("제주 -바다", "'제주' & !'바다'"),
    ],
)
def test_each_form_of_a_term_is_in_the_tsquery_once(db, q, expected):
    """A word matches as written and as stemmed (or as CJK bigrams); where two forms are the same the
    tsquery holds it once, since a repeated lexeme doubles the GIN scan's and the ranking's work."""
    assert to_tsquery(parse(q)) == expected


@pytest.mark.parametrize(
    ("q", "doubtful"),
    [
        ("live", False),
        ('"piano cover"', False),
        ("guide or tips", False),
        ("nobody tells", True),
        ("live -guide", True),
    ],
)
def test_an_estimate_is_doubtful_for_words_that_may_seldom_meet(q, doubtful):
    from search.query import parse

    assert parse(q).estimate_is_doubtful is doubtful
