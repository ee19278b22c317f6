"""Writes to the search index that the triggers do not make: whole rebuilds, and the suggestions of
what changed (the maintenance worker runs both)."""

from __future__ import annotations

from django.db import connection, transaction

from search.models import Synonym

SUGGESTION_TITLES = 50_000


@transaction.atomic
def search_index_rebuild(*, suggestion_titles: int = SUGGESTION_TITLES) -> None:
    """Rebuild the documents, the lexicon and the suggestions from the catalogue, in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SELECT vs_rebuild()")
        cursor.execute("SELECT vs_suggestions_rebuild(%s)", [suggestion_titles])
        cursor.execute("ANALYZE search_document")
        cursor.execute("ANALYZE search_lexicon")


def suggestions_rebuild(*, suggestion_titles: int = SUGGESTION_TITLES) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT vs_suggestions_rebuild(%s)", [suggestion_titles])


def suggestions_refresh(*, suggestion_titles: int = SUGGESTION_TITLES) -> int:
    """Recompute the suggestions of the texts the catalogue's triggers marked since the last call (new,
    edited and deleted tags, titles and channel names); returns how many texts."""
    with transaction.atomic(), connection.cursor() as cursor:
        # not a request's statement budget: a refresh cut short would roll back and meet the same marks
        # at every later run
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT vs_suggestions_refresh(%s)", [suggestion_titles])
        return int(cursor.fetchone()[0])


def synonym_create(*, terms: list[str], expands_to: list[str]) -> Synonym:
    """A synonym set; searches use it within search.synonyms.SYNONYMS_TTL_S seconds."""
    return Synonym.objects.create(terms=terms, expands_to=expands_to)


def synonym_update(*, synonym: Synonym, terms: list[str], expands_to: list[str]) -> Synonym:
    synonym.terms, synonym.expands_to = terms, expands_to
    synonym.save(update_fields=["terms", "expands_to", "updated_at"])
    return synonym


def synonym_delete(*, synonym: Synonym) -> None:
    synonym.delete()
