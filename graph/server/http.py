"""Running the app under uvicorn with the limits an exposed server needs at the HTTP layer.

uvicorn has no header-read timeout (a client that sends its headers one byte a second holds a
connection forever) and answers a request line too long for its URL parser with a bare
``400 Invalid HTTP request``. ``GuardedProtocol`` adds both: headers must arrive within
``header_timeout`` seconds of the connection or of the previous request (else 408), and a URL
longer than ``max_request_bytes`` is answered 414 with a sentence, before parsing goes on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph.settings import Settings

REASONS = {408: b"Request Timeout", 414: b"URI Too Long"}


class GuardedProtocol(HttpToolsProtocol):
    """httptools protocol with a header deadline and a URL length limit (set by ``configure``)."""

    header_timeout = 10.0
    url_limit = 100_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._refused = False

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            self._answer(408, f"the request headers did not arrive within "
                              f"{self.header_timeout:g} s")

    def _answer(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % (status, REASONS[status],
                                                                    len(body)) + body)
        self.transport.close()
        self._refused = True

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        if not self._refused:  # already answered 414: the parser error is ours
            super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:
            self._arm()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.url_limit and not self._refused:
            self._answer(414, f"the request URI is too long: the limit is {self.url_limit} "
                              "bytes (CUSTODIET_MAX_REQUEST_BYTES); send a long query by POST")
            raise ValueError("URI too long")  # stops the parser; answered above

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Idle keep-alive connections are closed by uvicorn's keep-alive timeout; the header
        # deadline starts again with the next request's first byte (on_message_begin).


def configure(settings: Settings) -> type[GuardedProtocol]:
    """A protocol class carrying this server's limits (uvicorn instantiates it per connection)."""
    return type("Protocol", (GuardedProtocol,), {
        "header_timeout": settings.header_timeout,
        # The query string limit is checked in the app; the URL adds the path and a margin.
        "url_limit": settings.max_request_bytes + 1024,
    })


def serve(app: Any, settings: Settings, host: str, port: int, access_log: bool = False) -> None:
    """Run ``app`` under uvicorn with the guarded protocol and the connection limits."""
    config = uvicorn.Config(
        app, host=host, port=port, access_log=access_log, log_level="info",
        server_header=False, http=configure(settings),
        limit_concurrency=settings.max_connections, timeout_keep_alive=5,
        h11_max_incomplete_event_size=settings.max_request_bytes + 16_384,
    )
    uvicorn.Server(config).run()
