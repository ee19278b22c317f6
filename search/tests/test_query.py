"""The tsquery a search builds from its terms (search.query), built by PostgreSQL."""

from __future__ import annotations

import pytest

from search.query import parse, to_tsquery


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kimchi", "'kimchi' | 'en:kimchi'"),
        ("running kimchi", "( 'running' | 'en:run' ) & ( 'kimchi' | 'en:kimchi' )"),
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
    assert to_tsquery(parse(q), languages=["en"]) == expected


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


@pytest.mark.parametrize(
    ("word", "languages"),
    [
        ("canciones", ["de", "en", "es"]),  # Latin letters: every Latin-script language of the catalogue
        ("Häuser", ["de", "en", "es"]),
        ("городе", ["ru"]),
        ("김치", []),  # no stemmer: as written and as bigrams
        ("2024", []),
    ],
)
def test_a_word_is_stemmed_for_the_languages_of_its_script(word, languages):
    from search.query import Term

    assert Term(word).stem_languages({"de", "en", "es", "ru", "ko"}) == languages


def test_stems_are_marked_with_their_language(db):
    """`news` is `new` in French: the marked stem finds French documents only."""
    assert to_tsquery(parse("news"), languages=["en", "fr"]) == "'news' | 'en:news' | 'fr:new'"
    assert to_tsquery(parse('"les news"'), languages=["fr"]) == "'les' <-> 'news' | 'fr:le' <-> 'fr:new'"


def test_the_catalogue_languages_are_kept_by_the_documents(make_video):
    """A video in a language with a stemmer adds it to the languages queries are stemmed for; one
    without a stemmer does not."""
    from search.query import catalogue_languages, query_languages

    make_video(language="es", title="Canciones")
    make_video(language="ko", title="노래")
    catalogue_languages.clear()
    assert query_languages() == ["es"]
    assert query_languages(["ko"]) == []
    assert "es:cancion" in to_tsquery(parse("canción"))


@pytest.mark.parametrize(
    "q",
    [
        "kimchi",
        "un día en mi vida para principiantes rutina de mañana Estudio",
        "day in my life: what nobody tells you League of Legends Academy",
        '"les news" -"explained minutes" guide or tips',
        "서울에서 맛집 김 -바다",
        "e-mail don't the",
        '"day in my life" vlog vlog',
        "городе Häuser café",
    ],
)
def test_the_analysis_builds_each_form_as_its_own_expression_would(make_video, q):
    """analyse evaluates each word's forms once (search.query.Pieces) and combines them: every tsquery it
    gives equals the one the same form's own expression builds, word by word."""
    from django.db import connection

    from search import selectors
    from search.query import Forms, ParsedQuery, catalogue_languages, tsquery_sql

    for language in ("de", "en", "es", "fr", "ru"):
        make_video(language=language, title="Canciones")
    catalogue_languages.clear()
    parsed = parse(q)
    forms, _, _ = selectors.analyse(parsed)

    def alone(query: ParsedQuery, form: Forms) -> str:
        sql, params = tsquery_sql(query, form)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT ({sql})::text", params)
            return cursor.fetchone()[0]

    used = sorted(
        {code for term in parsed.terms for code in term.stem_languages(["de", "en", "es", "fr", "ru"])}
    )
    assert forms.match == alone(parsed, Forms(stems=tuple(used)))
    assert forms.written == (alone(parsed, Forms(stems=())) or forms.match)
    assert set(forms.stemmed) == set(forms.headline) == set(used)
    for language in used:
        assert forms.stemmed[language] == (
            alone(parsed, Forms(written=False, stems=(language,))) or forms.match
        )
        assert forms.headline[language] == (
            alone(parsed, Forms(stems=(language,), marked=False)) or forms.match
        )
