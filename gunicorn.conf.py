"""gunicorn settings, read from the environment."""

import multiprocessing
import os
import tempfile

# Prometheus metrics from every worker (api.observability): each writes its samples here and a scrape of
# /metrics sums them. Set before the workers import prometheus_client; emptied at each start.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="vidsearch-metrics-")

bind = os.environ.get(
    "GUNICORN_BIND",
    f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}",  # noqa: S104 - containers
)
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
# Each worker process is uvicorn's event loop in front of GUNICORN_THREADS threads that run Django
# (config/asgi.py): the loop reads headers and bodies, so a slow client holds a socket, never a thread, and a
# request reaches a thread only once it has fully arrived. Threads: a cheap request (suggest, trending) is
# served beside a slow search instead of queueing behind it. Measured with 8 search clients and 2 clients of
# cheap endpoints at 1M videos on 2 cores: cheap p50 107 -> 29 ms, p95 171 -> 78 ms with 4 threads, searches/s
# the same (the cores are busy either way). Each thread holds its own database connection.
worker_class = "config.workers.Worker"
wsgi_app = "config.asgi:application"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
