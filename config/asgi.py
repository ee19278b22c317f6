"""The served application: Django's WSGI application behind an asyncio front (uvicorn's gunicorn worker).

Why a front at all: a gthread worker reads a request's headers and body in one of its threads, so a client
that sends a header line every few seconds holds that thread, and a handful of such clients hold every
worker (with nothing buffering in front, as in `make run`). Here uvicorn reads the headers on its event loop
and `BufferedRequest` reads the whole body there too, under a deadline, before a thread is taken: a thread
(a2wsgi's pool, GUNICORN_THREADS per process, each with its own database connection) only ever runs a
request that has fully arrived. A slow client costs a socket, not a thread.

Bodies: a declared Content-Length over the limit, or a chunked body, is not read at all; Django's
BodySizeLimitMiddleware answers them (413, 411) from the headers, as before. A body that has not fully arrived
within REQUEST_BODY_TIMEOUT seconds of the headers is answered 408 `request_timeout`.

Costly clients: `ClientConcurrency` lets one client have at most CLIENT_CONCURRENCY (1)
requests in a process's threads at once; the rest of its requests wait on the loop. A client just answered
429 waits THROTTLED_CLIENT_DELAY_MS (250) on the loop before its next request is served, so that one
sending on through its refusals costs the service a few requests a second, not thousands.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from a2wsgi import WSGIMiddleware

from config.wsgi import application as wsgi_application

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BufferedRequest:
    """Reads each HTTP request's body whole on the event loop (within `timeout` seconds and `max_bytes`)
    before handing the request to `app`; see the module's docstring."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").strip()
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if chunked or not declared.isdigit() or int(declared) > self.max_bytes:
            # nothing to read (no body), or a body Django refuses from its headers without reading it
            await self.app(scope, receive, send)
            return
        try:
            body = await asyncio.wait_for(self._read(receive), self.timeout)
        except TimeoutError:
            await _error(send, 408, "request_timeout", f"The body did not arrive within {self.timeout:g} s.")
            return
        if body is None:  # the client went away before its body arrived
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: only http.disconnect is left to come

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:  # more than declared: keep what Django will read and stop
                chunks.append(chunk[: len(chunk) - (size - self.max_bytes)])
                return b"".join(chunks)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class ClientConcurrency:
    """At most `limit` requests of one client (address, X-Forwarded-For read as far as NUM_PROXIES allows,
    as throttling reads it) in this process's threads at once; its further requests wait on the event loop,
    costing no thread. However costly a request, one client then holds at most `limit` threads (and
    database connections) of each process and the others' requests still find one free. The operations
    endpoints (/healthz, /readyz, /metrics) are not counted."""

    EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
    PENALTIES_KEPT = 10_000

    def __init__(self, app: ASGIApp, *, limit: int, num_proxies: int, throttled_delay: float) -> None:
        self.app = app
        self.limit = limit
        self.num_proxies = num_proxies
        self.throttled_delay = throttled_delay
        self.slots: dict[str, tuple[asyncio.Semaphore, int]] = {}
        self.penalties: dict[str, float] = {}  # client -> loop time before which its next request waits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        key = self.client(scope)
        loop = asyncio.get_running_loop()

        async def watched_send(message: Message) -> None:
            # a client that was just refused (429) waits `throttled_delay` before its next request is served:
            # one that keeps sending through its 429s is slowed on the loop instead of taking a thread
            if message["type"] == "http.response.start" and message["status"] == 429:
                if len(self.penalties) >= self.PENALTIES_KEPT:
                    self.penalties.clear()
                self.penalties[key] = loop.time() + self.throttled_delay
            await send(message)

        semaphore, users = self.slots.get(key) or (asyncio.Semaphore(self.limit), 0)
        self.slots[key] = (semaphore, users + 1)
        try:
            async with semaphore:
                wait = self.penalties.get(key, 0.0) - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                else:
                    self.penalties.pop(key, None)
                await self.app(scope, receive, watched_send)
        finally:
            semaphore, users = self.slots[key]
            if users == 1:
                del self.slots[key]
            else:
                self.slots[key] = (semaphore, users - 1)

    def client(self, scope: Scope) -> str:
        address = (scope.get("client") or ("", 0))[0]
        if self.num_proxies:
            for name, value in scope.get("headers") or []:
                if name == b"x-forwarded-for":
                    hops = [hop.strip() for hop in value.decode("latin1").split(",")]
                    return hops[-min(self.num_proxies, len(hops))]
        return address


async def _error(send: Send, status: int, code: str, message: str) -> None:
    from api.errors import envelope

    body = json.dumps(envelope(status_code=status, code=code, message=message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def build(wsgi_app: Callable[..., Any] = wsgi_application) -> ASGIApp:
    from django.conf import settings

    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    return BufferedRequest(
        ClientConcurrency(
            cast(ASGIApp, WSGIMiddleware(wsgi_app, workers=threads)),
            limit=int(os.environ.get("CLIENT_CONCURRENCY", "1")),
            num_proxies=cast(int, settings.REST_FRAMEWORK["NUM_PROXIES"]),
            throttled_delay=float(os.environ.get("THROTTLED_CLIENT_DELAY_MS", "250")) / 1000,
        ),
        max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**31,
        timeout=float(os.environ.get("REQUEST_BODY_TIMEOUT", "10")),
    )


application = build()
