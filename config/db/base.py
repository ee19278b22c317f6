"""PostgreSQL backend that insists on a UTF-8 LC_CTYPE (pg_trgm drops Hangul under C) and makes test
databases with one whatever the server's default is."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base, creation

UTF8_LOCALE = "C.UTF-8"
UNSAFE_CTYPES = {"C", "POSIX"}
_checked_databases: set[tuple[str, str]] = set()


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self) -> str:
        return f"TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE '{UTF8_LOCALE}' LC_CTYPE '{UTF8_LOCALE}'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def init_connection_state(self) -> None:
        super().init_connection_state()
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
