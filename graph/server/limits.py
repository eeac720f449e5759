"""Per-client fairness for ad-hoc queries: concurrency, a worker-time budget, an error budget.

A client is an IP address (or, behind a proxy the operator runs, the first X-Forwarded-For
address). Three limits, each answering 429 with Retry-After:

* concurrency: at most ``client_concurrency`` queries running or waiting at once;
* worker time: a bucket of ``client_query_seconds`` refilled evenly over a minute and drained by
  the seconds each query held a worker, so a client running heavy queries back to back slows
  down while cheap clients never notice (the model of the Wikidata Query Service);
* errors: at most ``client_errors_per_minute`` failed requests, so a flood of crafted, refused
  or crashing queries stops at the door instead of costing workers.

State is per process and forgotten for clients idle a few minutes, so memory stays bounded.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from starlette.requests import Request

from graph.settings import Settings
from graph.sparql.guard import Refusal

WINDOW = 60.0
FORGET_AFTER = 300.0


@dataclass
class ClientState:
    running: int = 0
    budget: float = 0.0  # worker seconds left
    errors: list[float] = field(default_factory=list)  # times of recent failures
    updated: float = field(default_factory=time.monotonic)


def client_of(request: Request, settings: Settings) -> str:
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.client.host if request.client else "unknown"


class ClientLimits:
    def __init__(self, settings: Settings) -> None:
        self.concurrency = settings.client_concurrency
        self.seconds = settings.client_query_seconds
        self.errors = settings.client_errors_per_minute
        self.clients: dict[str, ClientState] = {}
        self._swept = time.monotonic()

    def _state(self, client: str, now: float) -> ClientState:
        state = self.clients.get(client)
        if state is None:
            state = self.clients[client] = ClientState(budget=self.seconds, updated=now)
        else:
            state.budget = min(self.seconds,
                               state.budget + (now - state.updated) * self.seconds / WINDOW)
            state.updated = now
        if now - self._swept > FORGET_AFTER:
            self._sweep(now)
        return state

    def _sweep(self, now: float) -> None:
        self._swept = now
        for name, state in list(self.clients.items()):
            if state.running == 0 and now - state.updated > FORGET_AFTER:
                del self.clients[name]

    def admit(self, client: str) -> None:
        """Count a query in, or raise Refusal(429) saying when to come back."""
        now = time.monotonic()
        state = self._state(client, now)
        if self.errors:
            state.errors = [t for t in state.errors if now - t < WINDOW]
            if len(state.errors) >= self.errors:
                wait = WINDOW - (now - state.errors[0])
                raise Refusal(429, f"too many failed requests from {client} "
                                   f"({len(state.errors)} in the last minute; the limit is "
                                   f"{self.errors}, CUSTODIET_CLIENT_ERRORS_PER_MINUTE)",
                              retry_after=wait)
        if self.seconds and state.budget <= 0:
            wait = -state.budget * WINDOW / self.seconds + 1
            raise Refusal(429, f"{client} used its share of query time ({self.seconds:g} s of "
                               "worker time a minute, CUSTODIET_CLIENT_QUERY_SECONDS)",
                          retry_after=wait)
        if self.concurrency and state.running >= self.concurrency:
            raise Refusal(429, f"{client} already has {state.running} queries running or "
                               f"waiting (the limit is {self.concurrency}, "
                               "CUSTODIET_CLIENT_CONCURRENCY)", retry_after=1)
        state.running += 1

    def release(self, client: str, seconds: float) -> None:
        """A query admitted earlier is over; it held a worker for ``seconds``."""
        state = self._state(client, time.monotonic())
        state.running = max(0, state.running - 1)
        if self.seconds:
            state.budget -= seconds

    def failed(self, client: str) -> None:
        """Count a failed request (refused, invalid, crashed) against the error budget."""
        if self.errors:
            self._state(client, time.monotonic()).errors.append(time.monotonic())


def retry_after_header(seconds: float | None) -> dict[str, str]:
    return {} if seconds is None else {"Retry-After": str(max(1, math.ceil(seconds)))}
