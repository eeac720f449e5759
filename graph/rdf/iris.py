"""Minting stable, readable IRIs under the configured base."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from graph.namespaces import INSTANCE_SEGMENTS, ONT


@dataclass(frozen=True)
class Iris:
    base: str = "https://w3id.org/custodiet/"

    def entity(self, ident: str) -> str:
        return f"{self.base}{INSTANCE_SEGMENTS['ent']}{quote(ident, safe='-._~')}"

    def claim(self, ident: str) -> str:
        return f"{self.base}{INSTANCE_SEGMENTS['claim']}{quote(ident, safe='-._~')}"

    def reference(self, claim_ident: str, index: int) -> str:
        """A hash IRI: dereferencing the claim's IRI returns its references too."""
        return f"{self.claim(claim_ident)}#ref-{index}"

    def source(self, ident: str) -> str:
        return f"{self.base}{INSTANCE_SEGMENTS['src']}{quote(ident, safe='-._~')}"

    def ontology(self, name: str = "") -> str:
        """Ontology terms keep their published namespace whatever the data base is."""
        return f"{ONT}{name}"

    def local_id(self, iri: str) -> tuple[str, str] | None:
        """(kind, id) of one of our IRIs, e.g. ('entity', 'clearview-ai'), else None."""
        if not iri.startswith(self.base):
            return None
        kind, _, rest = iri[len(self.base):].partition("/")
        return (kind, rest) if kind + "/" in INSTANCE_SEGMENTS.values() and rest else None
