"""PostgreSQL backend that insists on a UTF-8 LC_CTYPE (pg_trgm drops Hangul under C), makes test
databases with one whatever the server's default is, and gives each request's statements the time budget
its caller has (api.middleware.StatementBudgetMiddleware)."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, creation
from psycopg.pq import TransactionStatus

UTF8_LOCALE = "C.UTF-8"
UNSAFE_CTYPES = {"C", "POSIX"}
_checked_databases: set[tuple[str, str]] = set()


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self) -> str:
        return f"TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '{UTF8_LOCALE}' LC_CTYPE '{UTF8_LOCALE}'"


# The statement_timeout (ms) of the request being served; None outside requests: the configured one
# (DB_STATEMENT_TIMEOUT_MS, set when the connection is made).
request_budget_ms: ContextVar[int | None] = ContextVar("request_budget_ms", default=None)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    session_budget_ms: int | None = None  # the session's statement_timeout as last set here

    def init_connection_state(self) -> None:
        super().init_connection_state()
        self.session_budget_ms = settings.STATEMENT_TIMEOUT_MS  # from the connection's options
        self.apply_statement_budget()
        self.check_ctype()

    def apply_statement_budget(self) -> None:
        """Sets the session's statement_timeout to the current request's budget if it has another. Out of
        a transaction (a request's start, in autocommit) it is set for the session and remembered, so that
        the requests that follow with the same budget cost nothing; inside one (as in tests), for that
        transaction only."""
        if self.connection is None:
            return
        wanted = request_budget_ms.get() or settings.STATEMENT_TIMEOUT_MS
        if wanted == self.session_budget_ms:
            return
        idle = self.connection.info.transaction_status == TransactionStatus.IDLE
        # psycopg's errors as Django's (a connection that went away is then a django.db.DatabaseError, and
        # marked for closing)
        with self.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, %s)", [f"{wanted}ms", not idle])
        self.session_budget_ms = wanted if idle else None

    def check_ctype(self) -> None:
        key = (str(self.settings_dict.get("HOST")), str(self.settings_dict.get("NAME")))
        if self.alias == NO_DB_ALIAS or key in _checked_databases:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT datctype, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"
            )
            ctype, encoding = cursor.fetchone()
        if ctype in UNSAFE_CTYPES or encoding != "UTF8":
            raise ImproperlyConfigured(
                f"Database {self.settings_dict.get('NAME')!r} has LC_CTYPE={ctype!r} and encoding {encoding!r}: "
                "pg_trgm would silently drop Hangul and other non-ASCII letters. Recreate it with "
                f"CREATE DATABASE ... TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '{UTF8_LOCALE}' "
                f"LC_COLLATE '{UTF8_LOCALE}', or initdb the cluster with --locale={UTF8_LOCALE}."
            )
        _checked_databases.add(key)
