"""Each app's functions and triggers in the database are exactly those of its `sql/functions.sql`: the
file is where their current definitions are read and changed."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction

from config.sqlfiles import BASE_DIR, definitions_hash

pytestmark = pytest.mark.django_db

# Every function an app owns starts with its prefix; its triggers are those that call one of them.
APPS = {"search": "vs\\_%", "analytics": "analytics\\_%"}

DEFINITIONS_SQL = """
SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE %(prefix)s
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
WHERE NOT t.tgisinternal AND p.proname LIKE %(prefix)s
"""


def definitions(prefix: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(DEFINITIONS_SQL, {"prefix": prefix})
        return dict(cursor.fetchall())


@pytest.mark.parametrize("app", sorted(APPS))
def test_database_definitions_equal_the_file(app: str) -> None:
    prefix = APPS[app]
    migrated = definitions(prefix)
    assert len(migrated) > 5
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Dropped (with what depends on them) and made again from the file alone: anything the file
            # lacks stays missing, anything it defines differently differs.
            for signature in migrated:
                if signature.startswith("function "):
                    cursor.execute(f"DROP FUNCTION IF EXISTS {signature.removeprefix('function ')} CASCADE")
            assert definitions(prefix) == {}
            cursor.execute((BASE_DIR / app / "sql" / "functions.sql").read_text(encoding="utf-8"))
        from_file = definitions(prefix)
        transaction.set_rollback(True)
    assert from_file == migrated
    assert definitions(prefix) == migrated  # rolled back


@pytest.mark.parametrize("app", sorted(APPS))
def test_the_newest_migration_applies_the_file_as_it_is(app: str) -> None:
    path = f"{app}/sql/functions.sql"
    applying = sorted(
        (migration.name, re.search(r'sha256="([0-9a-f]{12})"', migration.read_text()))
        for migration in (BASE_DIR / app / "migrations").glob("0*.py")
        if f'apply_definitions("{path}"' in migration.read_text()
    )
    assert applying, f"no migration of {app} applies {path}"
    newest, digest = applying[-1]
    assert digest is not None and digest[1] == definitions_hash(path), (
        f"{path} changed after {newest}: add a migration that applies it with sha256={definitions_hash(path)!r}"
    )
