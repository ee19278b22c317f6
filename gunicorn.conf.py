"""gunicorn settings, read from the environment."""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND",
    f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}",  # noqa: S104 - containers
)
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
wsgi_app = "config.wsgi:application"
