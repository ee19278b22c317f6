"""Search expressions, in the manner of django.contrib.postgres.search: one small class per construct."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func
from django.db.models.sql.compiler import SQLCompiler


class TsMatch(Func):
    """`document @@ 'query'::tsquery`, with the tsquery text passed as a parameter; `indexed=False` writes
    it as the function call `ts_match_vq(document, 'query')`, which no index serves: a check of each row
    that another condition's index found; `shingles` matches the document's shingles instead
    (`vs_shingles(document) @@ 'query'`, which search.models.shingle_indexes serve)."""

    output_field = BooleanField()

    def __init__(
        self, tsquery: str, field: str = "document", *, indexed: bool = True, shingles: bool = False
    ):
        self.tsquery = tsquery
        self.indexed = indexed
        super().__init__(Shingles(F(field)) if shingles else F(field))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        field_sql, params = compiler.compile(self.source_expressions[0])
        if not self.indexed:
            return f"ts_match_vq({field_sql}, %s::tsquery)", (*params, self.tsquery)
        return f"({field_sql} @@ %s::tsquery)", (*params, self.tsquery)


class Shingles(Func):
    """`vs_shingles(document)`: the pairs of adjacent lexemes of a document (search/sql/functions.sql)."""

    function = "vs_shingles"
    output_field = SearchVectorField()
