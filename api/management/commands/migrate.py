"""`migrate` with no statement timeout.

The service's connections carry a statement timeout for requests (DB_STATEMENT_TIMEOUT_MS, 5 s by
default), and manage.py's do too; an index that a migration builds over a large catalogue takes
(the tier indexes of search, migration 0008: 56 s at 1M videos), so the migrations' own
connection runs without one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections


class Command(MigrateCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        try:
            super().handle(*args, **options)
        finally:  # the connection may serve requests afterwards (the test suite's does)
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
