"""A remote SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever …).

Queries go over the SPARQL 1.1 Protocol; ``replace`` uses the Graph Store Protocol (one PUT of
the default graph, atomic on the server) when ``CUSTODIET_REMOTE_STORE_URL`` is set, else
SPARQL Update. The build id travels inside the dataset as one triple, so every client of the
server can tell which build it is reading.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx

from graph.settings import Settings
from graph.store.base import BuildInfo, StoreError, Table, replace_text
from graph.vocabulary import ONT

UPDATE_CHUNK_LINES = 20_000
UPLOAD_CHUNK_BYTES = 1 << 20


class RemoteStore:
    backend = "remote"

    def __init__(self, settings: Settings) -> None:
        if not settings.remote_query_url:
            raise StoreError("the remote backend needs CUSTODIET_REMOTE_QUERY_URL")
        self.query_url = settings.remote_query_url
        self.update_url = settings.remote_update_url
        self.store_url = settings.remote_store_url
        self.build_node = f"<{settings.base_iri}build>"
        self.client = httpx.Client(timeout=settings.query_timeout + 5)

    def _query(self, sparql: str, accept: str) -> httpx.Response:
        try:
            response = self.client.post(
                self.query_url, data={"query": sparql}, headers={"Accept": accept}
            )
        except httpx.HTTPError as exc:
            raise StoreError(f"remote endpoint unreachable: {exc}") from None
        if response.status_code >= 400:
            raise StoreError(f"remote endpoint said {response.status_code}: {response.text[:500]}")
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

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as stream:
                while block := stream.read(UPLOAD_CHUNK_BYTES):
                    yield block
            yield meta

        try:
            if self.store_url:
                response = self.client.put(
                    self.store_url, params={"default": ""}, content=chunks(),
                    headers={"Content-Type": "application/n-triples"}, timeout=None,
                )
                self._check(response)
                return
            if not self.update_url:
                raise StoreError("set CUSTODIET_REMOTE_STORE_URL or CUSTODIET_REMOTE_UPDATE_URL")
            self._update("DROP SILENT DEFAULT")
            batch: list[str] = []
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    batch.append(line.rstrip("\n"))
                    if len(batch) >= UPDATE_CHUNK_LINES:
                        self._update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
                        batch.clear()
            batch.extend(meta.decode().splitlines())
            self._update("INSERT DATA {\n" + "\n".join(batch) + "\n}")
        except httpx.HTTPError as exc:
            raise StoreError(f"remote endpoint unreachable: {exc}") from None

    def replace(self, nquads: str, info: BuildInfo) -> None:
        replace_text(self, nquads, info)

    def _update(self, sparql: str) -> None:
        assert self.update_url is not None
        self._check(self.client.post(self.update_url, data={"update": sparql}, timeout=None))

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
