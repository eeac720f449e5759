"""A remote SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever …).

Queries go over the SPARQL 1.1 Protocol; ``replace`` uses the Graph Store Protocol (one PUT of
the default graph, atomic on the server) when ``CUSTODIET_REMOTE_STORE_URL`` is set, else
SPARQL Update. The build id travels inside the dataset as one triple, so every client of the
server can tell which build it is reading.

Two things in the URLs themselves serve servers such as Virtuoso (see docs/scaling.md):

- ``default-graph-uri=G`` in the query URL: queries read graph G as their default graph (the
  protocol's own parameter), and builds write into G (``PUT ?graph=G``, ``DROP SILENT GRAPH <G>``,
  ``INSERT DATA { GRAPH <G> { … } }``) instead of the default graph, which Virtuoso cannot
  address (its default graph is the union of all graphs, system graphs included).
- ``user:password@`` in any URL: sent as Basic or Digest authentication, whichever the server's
  challenge asks for (Virtuoso's ``/sparql-auth`` and ``/sparql-graph-crud-auth`` want Digest).
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from pathlib import Path

import httpx

from graph.settings import Settings
from graph.store.base import BuildInfo, StoreError, Table, replace_text
from graph.vocabulary import ONT

UPDATE_CHUNK_LINES = 2_000  # Virtuoso's SPARQL parser runs out of stack near 5,000 triples
UPLOAD_CHUNK_BYTES = 1 << 20


class ChallengeAuth(httpx.Auth):
    """Basic or Digest authentication, whichever the server's 401 challenge names.

    The first request goes without credentials; once the scheme is known (and, for Digest, the
    server's nonce), later requests carry them from the start, so a streamed body is sent once.
    """

    def __init__(self, username: str, password: str) -> None:
        self._basic = httpx.BasicAuth(username, password)
        self._digest = httpx.DigestAuth(username, password)
        self._scheme: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme is not None:
            yield from self._scheme.auth_flow(request)
            return
        response = yield request
        challenge = response.headers.get("www-authenticate", "").lower()
        if response.status_code != 401 or not challenge:
            return
        self._scheme = self._digest if challenge.startswith("digest") else self._basic
        flow = self._scheme.auth_flow(request)
        retry = next(flow)
        if self._scheme is self._digest:  # let DigestAuth read the challenge it answers
            retry = flow.send(response)
        yield retry


class _Upload:
    """A file and a tail, read in chunks; iterable again, so a challenged request can be resent."""

    def __init__(self, path: Path, tail: bytes) -> None:
        self.path, self.tail = path, tail

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as stream:
            while block := stream.read(UPLOAD_CHUNK_BYTES):
                yield block
        yield self.tail


def _endpoint(url: str | None) -> tuple[str | None, ChallengeAuth | None]:
    """A URL without its ``user:password@`` part, and the credentials it carried."""
    if not url:
        return url, None
    parsed = httpx.URL(url)
    if not parsed.username:
        return url, None
    plain = str(parsed.copy_with(username=None, password=None))
    return plain, ChallengeAuth(parsed.username, parsed.password)


class RemoteStore:
    backend = "remote"

    def __init__(self, settings: Settings) -> None:
        if not settings.remote_query_url:
            raise StoreError("the remote backend needs CUSTODIET_REMOTE_QUERY_URL")
        query_url, self.query_auth = _endpoint(settings.remote_query_url)
        assert query_url is not None
        self.query_url = query_url
        self.update_url, self.update_auth = _endpoint(settings.remote_update_url)
        self.store_url, self.store_auth = _endpoint(settings.remote_store_url)
        graphs = httpx.URL(self.query_url).params.get_list("default-graph-uri")
        self.graph_iri = graphs[0] if len(graphs) == 1 else None
        self.build_node = f"<{settings.base_iri}build>"
        self.client = httpx.Client(timeout=settings.query_timeout + 5)

    def _query(self, sparql: str, accept: str) -> httpx.Response:
        try:
            response = self.client.post(
                self.query_url, data={"query": sparql}, headers={"Accept": accept},
                auth=self.query_auth or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"remote endpoint unreachable: {exc}") from None
        if response.status_code >= 400:
            raise StoreError(f"remote endpoint said {response.status_code}: {response.text[:500]}")
        if response.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's "anytime" answer
            raise StoreError("the server's time limit cut this result short (partial result: "
                             f"{response.headers.get('x-sql-message', '')})")
        return response

    def info(self) -> BuildInfo | None:
        table = self.select(
            f"SELECT ?id ?at ?counts WHERE {{ {self.build_node} <{ONT}buildId> ?id ; "
            f"<{ONT}builtAt> ?at ; <{ONT}buildCounts> ?counts }}"
        )
        if not table.rows:
            return None
        row = table.rows[0]
        return BuildInfo(row["id"] or "", row["at"] or "", json.loads(row["counts"] or "{}"))

    def _meta(self, info: BuildInfo) -> str:
        counts = json.dumps(info.counts, sort_keys=True).replace("\\", "\\\\").replace('"', '\\"')
        return (
            f'{self.build_node} <{ONT}buildId> "{info.build_id}" .\n'
            f'{self.build_node} <{ONT}builtAt> "{info.built_at}" .\n'
            f'{self.build_node} <{ONT}buildCounts> "{counts}" .\n'
        )

    def replace_file(self, path: Path, info: BuildInfo) -> None:
        """Like ``replace`` for an N-Quads file too big to hold in memory: streamed upload.

        With the Graph Store Protocol the file goes up as one chunked PUT (atomic on the
        server); with SPARQL Update only, it goes as INSERT DATA batches after a DROP.
        """
        meta = self._meta(info).encode()
        try:
            if self.store_url:
                target = self._graph_param()
                if self.store_auth is not None:  # learn the scheme before sending the body
                    self.client.get(self.store_url, params={"graph": f"{self.build_node[1:-1]}"
                                                            "/no-such-graph"},
                                    auth=self.store_auth)
                # Content-Length, not chunked: Virtuoso ignores a chunked request body
                response = self.client.put(
                    self.store_url, params=target, content=_Upload(path, meta),
                    headers={"Content-Type": "application/n-triples",
                             "Content-Length": str(path.stat().st_size + len(meta))},
                    timeout=None, auth=self.store_auth or httpx.USE_CLIENT_DEFAULT,
                )
                self._check(response)
                return
            if not self.update_url:
                raise StoreError("set CUSTODIET_REMOTE_STORE_URL or CUSTODIET_REMOTE_UPDATE_URL")
            graph = f"GRAPH <{self.graph_iri}>" if self.graph_iri else "DEFAULT"
            opening, closing = ((f"INSERT DATA {{ GRAPH <{self.graph_iri}> {{\n", "\n} }")
                                if self.graph_iri else ("INSERT DATA {\n", "\n}"))
            self._update(f"DROP SILENT {graph}")
            batch: list[str] = []
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    batch.append(line.rstrip("\n"))
                    if len(batch) >= UPDATE_CHUNK_LINES:
                        self._update(opening + "\n".join(batch) + closing)
                        batch.clear()
            batch.extend(meta.decode().splitlines())
            self._update(opening + "\n".join(batch) + closing)
        except httpx.HTTPError as exc:
            raise StoreError(f"remote endpoint unreachable: {exc}") from None

    def replace(self, nquads: str, info: BuildInfo) -> None:
        replace_text(self, nquads, info)

    def _graph_param(self) -> dict[str, str]:
        """The Graph Store Protocol's target: the URL's own, else the query graph, else default."""
        assert self.store_url is not None
        if {"graph", "graph-uri", "default"} & set(httpx.URL(self.store_url).params.keys()):
            return {}
        return {"graph": self.graph_iri} if self.graph_iri else {"default": ""}

    def _update(self, sparql: str) -> None:
        assert self.update_url is not None
        self._check(self.client.post(self.update_url, data={"update": sparql}, timeout=None,
                                     auth=self.update_auth or httpx.USE_CLIENT_DEFAULT))

    @staticmethod
    def _check(response: httpx.Response) -> None:
        if response.status_code >= 400:
            raise StoreError(f"remote endpoint said {response.status_code}: {response.text[:500]}")

    def select(self, sparql: str) -> Table:
        data = self._query(sparql, "application/sparql-results+json").json()
        if "results" not in data:
            raise StoreError("not a SELECT query")
        columns = data["head"].get("vars", [])
        rows = [
            {c: (binding[c]["value"] if c in binding else None) for c in columns}
            for binding in data["results"]["bindings"]
        ]
        return Table(columns, rows)

    def ask(self, sparql: str) -> bool:
        data = self._query(sparql, "application/sparql-results+json").json()
        if "boolean" not in data:
            raise StoreError("not an ASK query")
        return bool(data["boolean"])

    def graph(self, sparql: str) -> str:
        return self._query(sparql, "application/n-triples").text

    def serialize(self, sparql: str, media_type: str) -> bytes:
        return self._query(sparql, media_type).content

    def dump(self) -> str:
        return self.graph("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
