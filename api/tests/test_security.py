"""Production settings: a real secret key is required, `check --deploy` is clean, the security headers of
Django's deployment checklist are sent, and secrets never reach the logs."""

from __future__ import annotations

import logging
import os
import subprocess

import pytest
from django.test import override_settings

from tests import live
from tests.helpers import assert_error

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "prod-like-Zq8vW3nR5tY7uI9oP1aS2dF4gH6jK8lX0cV2bN4mQ6wE8rT0yU",
    "DJANGO_ALLOWED_HOSTS": "videos.example.com",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "THROTTL"))}
    return live.manage(*args, env={**base, **env}, timeout=120)


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-key",
        "change-me-to-a-long-random-string",
        "a" * 64,  # long but one distinct character
        "django-insecure-" + "x1y2z3w4v5" * 5,
    ],
)
def test_refuses_to_start_without_a_real_secret_key(key):
    result = manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set or too weak" in result.stderr
    if key:
        assert key not in result.stderr  # the message never echoes the value


def test_manage_reads_the_development_secret_of_make_run(tmp_path):
    """With DJANGO_SECRET_KEY unset, manage.py takes the .secret_key beside it, as the Makefile does; with
    neither, it refuses to start when DJANGO_DEBUG is off."""
    secret = "dev-" + "Zq8vW3nR5tY7uI9oP1aS2dF4gH6jK8lX0cV2bN4mQ6wE8rT0yU"
    (tmp_path / "manage.py").write_text((live.ROOT / "manage.py").read_text())
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "THROTTL"))}
    env = {**base, **PRODUCTION, "PYTHONPATH": str(live.ROOT)}
    del env["DJANGO_SECRET_KEY"]

    def check() -> subprocess.CompletedProcess:
        return live.manage("check", env=env, timeout=120, cwd=tmp_path)

    without = check()
    assert without.returncode != 0
    assert "DJANGO_SECRET_KEY is not set or too weak" in without.stderr
    (tmp_path / ".secret_key").write_text(secret + "\n")
    with_file = check()
    assert with_file.returncode == 0, with_file.stderr


def test_debug_runs_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers(anon):
    response = anon.get("/api/v1/videos/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31536000,
)
def test_https_redirect_and_hsts_with_health_checks_exempt(anon):
    plain = anon.get("/api/v1/videos/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    secure = anon.get("/api/v1/videos/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert anon.get("/healthz").status_code == 200  # container health checks speak plain HTTP


@pytest.mark.django_db
def test_tokens_and_passwords_never_reach_the_logs(anon, caplog):
    password = "Sup3r-Secret-Passw0rd!"
    caplog.set_level(logging.DEBUG)
    registered = anon.post(
        "/api/v1/auth/register", {"username": "alice", "password": password}, format="json"
    )
    assert registered.status_code == 201
    token = registered.json()["token"]
    anon.post("/api/v1/auth/token", {"username": "alice", "password": "wrong-" + password}, format="json")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon.get("/api/v1/auth/me").status_code == 200
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-0123456789")
    assert_error(anon.get("/api/v1/auth/me"), 401, "not_authenticated")
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    anon.post("/api/v1/channels/", {"handle": "x"}, format="json")  # a 400 logged as a warning
    text = caplog.text
    assert caplog.records  # the requests above were logged (django.request warnings at least)
    for secret in (password, token, "not-a-real-token-0123456789"):
        assert secret not in text
