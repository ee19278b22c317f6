"""gunicorn's worker class for the service: uvicorn's (uvicorn-worker) on uvloop and httptools.

Forwarded headers are left to Django (NUM_PROXIES for the client's address in throttling,
SECURE_PROXY_SSL_HEADER for the scheme), as with gunicorn's own workers: uvicorn would otherwise take
X-Forwarded-For from any client on 127.0.0.1 as the address to throttle. `worker_connections` bounds the
connections and requests each process holds at once; past it, uvicorn answers 503 at once.
"""

from __future__ import annotations

from typing import Any

from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped]


class Worker(UvicornWorker):  # type: ignore[misc]
    CONFIG_KWARGS: dict[str, Any] = {"loop": "auto", "http": "auto", "proxy_headers": False}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.limit_concurrency = self.cfg.worker_connections
