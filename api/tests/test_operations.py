"""Operations endpoints, the error envelope for Django-level errors, the schema, and the database checks."""

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings

from config.db.base import DatabaseWrapper
from tests.helpers import assert_error


def test_healthz_needs_no_database(anon):
    response = anon.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz(anon):
    body = anon.get("/readyz").json()
    assert {k: body[k] for k in ("status", "database")} == {"status": "ok", "database": "ok"}
    assert "suggestions_refresh" in body["maintenance"]  # each job's lag (maintenance/tests)


@pytest.mark.django_db
def test_unknown_url_and_method(anon, owner_client):
    assert_error(anon.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(owner_client.delete("/api/v1/videos/"), 405, "method_not_allowed")


@pytest.mark.django_db
def test_unhandled_error_is_a_500_envelope_without_internals(anon, monkeypatch):
    from api import selectors

    def explode(**kwargs):
        raise RuntimeError("secret internals SELECT * FROM api_video")

    monkeypatch.setattr(selectors, "video_list", explode)
    client = anon
    client.raise_request_exception = False
    with override_settings(DEBUG=True):
        response = client.get("/api/v1/videos/")
    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.content.decode() and "SELECT" not in error["message"]


@pytest.mark.django_db
def test_statement_timeout_answers_503(anon, monkeypatch):
    from api import selectors

    original = selectors.video_list

    def slow(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(1)")
        return original(**kwargs)

    monkeypatch.setattr(selectors, "video_list", slow)
    assert_error(anon.get("/api/v1/videos/"), 503, "query_timeout")


@pytest.mark.django_db
def test_request_connections_have_a_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("0", "0ms")


@pytest.mark.django_db
def test_request_connections_do_not_jit_compile_the_index_only_statements():
    """Search's statements run under `enable_seqscan = off`, which PostgreSQL 15 prices at 1e10, past
    jit_above_cost: channel search without a query JIT-compiled a sort of no rows in ~150 ms (settings'
    DB_SESSION_OPTIONS turn JIT off for every session)."""
    from search.selectors import INDEX_SCANS_ONLY, channel_search_sql

    _, page_sql = channel_search_sql("", typed=False, after_cursor=False)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute(INDEX_SCANS_ONLY + "SELECT 1")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + page_sql, {"limit": 21})
        (plan,) = cursor.fetchone()[0]
    assert "JIT" not in plan, plan["JIT"]


@pytest.mark.django_db
def test_database_has_utf8_ctype_and_hangul_trigrams():
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        assert cursor.fetchone()[0] not in ("C", "POSIX")
        cursor.execute("SELECT array_length(show_trgm('서울'), 1)")
        assert cursor.fetchone()[0] == 3
        cursor.execute("SELECT extname FROM pg_extension")
        assert {"pg_trgm", "unaccent", "btree_gin"} <= {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_refuses_a_database_with_c_ctype():
    """A database created with LC_CTYPE=C is refused on connect, with a message saying how to fix it."""
    # CREATE DATABASE cannot run in a transaction: use a separate autocommit connection.
    params = connection.get_connection_params()
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS vidsearch_c_ctype")
    admin.execute("CREATE DATABASE vidsearch_c_ctype TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'")
    try:
        wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": "vidsearch_c_ctype"}, alias="default")
        with pytest.raises(ImproperlyConfigured, match=r"LC_CTYPE='C'.*Recreate it"):
            wrapper.ensure_connection()
        wrapper.close()
    finally:
        admin.execute("DROP DATABASE IF EXISTS vidsearch_c_ctype")
        admin.close()


def test_openapi_schema_generates_and_covers_the_api(anon, db):
    response = anon.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/videos/",
        "/api/v1/videos/{id}/reaction",
        "/api/v1/auth/register",
        "/api/v1/channels/{id}/subscription",
        "/api/v1/me/subscriptions",
    ):
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/videos/"]["get"]["parameters"]}
    assert {"category", "tags_all", "duration", "meta.{key}", "order", "cursor"} <= names


def test_swagger_ui_is_served_from_the_app(anon, db):
    response = anon.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()


@pytest.mark.django_db
def test_migrate_runs_without_the_statement_timeout_of_requests(monkeypatch):
    """Index builds over a large catalogue outlast the requests' statement timeout: `migrate` lifts it on
    its connection while it runs (api/management/commands/migrate.py), and restores it."""
    from django.core.management import call_command
    from django.core.management.commands.migrate import Command as DjangoMigrate

    seen = []

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(DjangoMigrate, "handle", handle)
    call_command("migrate", verbosity=0)
    assert seen == ["0"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] not in ("0", "0ms")
