"""From what an analyst types (an id, a label in English or French, an alias) to an entity id.

Exact matches win (id, then a label or alias compared case- and accent-insensitively); then
rapidfuzz's WRatio ranks near misses ("Clearveiw", "federal bureau investigation"). A fuzzy
match is accepted only when it is clearly better than the next entity; otherwise the caller gets
the candidates to show ("did you mean ...").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from rapidfuzz import fuzz, process

from graph.search import normalize as _fold
from graph.store import Store

ACCEPT_SCORE = 88.0  # fuzzy score (0-100) needed to accept a match without asking
SUGGEST_SCORE = 60.0  # below this a name is not even suggested
MARGIN = 5.0  # how far ahead of the next entity an accepted fuzzy match must be


@dataclass(frozen=True)
class Candidate:
    id: str
    label: str
    matched: str  # the name (label or alias) that matched
    score: float


class EntityResolutionError(LookupError):
    """No single entity matches; ``candidates`` are the best guesses (maybe none)."""

    def __init__(self, text: str, candidates: list[Candidate], reason: str) -> None:
        self.text = text
        self.candidates = candidates
        hint = "; did you mean " + ", ".join(
            f"{c.id} ({c.label})" for c in candidates) if candidates else ""
        super().__init__(f"{reason} {text!r}{hint}")


class UnknownEntity(EntityResolutionError):
    def __init__(self, text: str, candidates: list[Candidate]) -> None:
        super().__init__(text, candidates, "no entity matches")


class AmbiguousEntity(EntityResolutionError):
    def __init__(self, text: str, candidates: list[Candidate]) -> None:
        super().__init__(text, candidates, "several entities match")


class EntityIndex:
    """Names of entities (ids, labels, aliases) searchable exactly and fuzzily."""

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        """``entries``: (id, display label, every name of it)."""
        self.labels: dict[str, str] = {}
        self._names: list[str] = []  # folded names, aligned with _owners and _shown
        self._owners: list[str] = []
        self._shown: list[str] = []
        self._exact: dict[str, set[str]] = {}
        for ident, label, names in entries:
            self.labels[ident] = label
            for name in {ident, label, *names}:
                if not name:
                    continue
                folded = _fold(name)
                self._exact.setdefault(folded, set()).add(ident)
                self._names.append(folded)
                self._owners.append(ident)
                self._shown.append(name)

    @classmethod
    def from_graph(cls, graph: nx.Graph) -> EntityIndex:
        """Index the nodes of a projection (attributes label, label_en, label_fr, aliases)."""
        return cls(
            (str(n), str(a.get("label") or n),
             [a.get("label_en") or "", a.get("label_fr") or "", *(a.get("aliases") or [])])
            for n, a in graph.nodes(data=True)
        )

    @classmethod
    def from_store(cls, store: Store, lang: str = "en") -> EntityIndex:
        """Index every entity of the live build (cached with the build's rows)."""
        from graph.analysis.projection import cached_claims_data

        data = cached_claims_data(store)
        return cls(
            (e.id, e.label_fr if lang == "fr" else e.label_en, [e.label_en, e.label_fr, *e.aliases])
            for e in data.entities.values()
        )

    def __contains__(self, ident: object) -> bool:
        return ident in self.labels

    def search(self, text: str, limit: int = 5) -> list[Candidate]:
        """The best-matching entities, one row per entity, best first."""
        query = _fold(text)
        if not query:
            return []
        hits = process.extract(query, self._names, scorer=fuzz.WRatio,
                               limit=max(limit * 4, 20), score_cutoff=SUGGEST_SCORE)
        best: dict[str, Candidate] = {}
        for _name, score, index in hits:
            owner = self._owners[index]
            if owner not in best or score > best[owner].score:
                best[owner] = Candidate(owner, self.labels[owner], self._shown[index], score)
        return sorted(best.values(), key=lambda c: (-c.score, c.id))[:limit]

    def resolve(self, text: str) -> str:
        """The one entity ``text`` names, or raise UnknownEntity / AmbiguousEntity."""
        if text in self.labels:
            return text
        exact = self._exact.get(_fold(text))
        if exact:
            if len(exact) == 1:
                return next(iter(exact))
            raise AmbiguousEntity(text, [Candidate(i, self.labels[i], text, 100.0)
                                         for i in sorted(exact)])
        candidates = self.search(text)
        if not candidates or candidates[0].score < ACCEPT_SCORE:
            raise UnknownEntity(text, candidates)
        if len(candidates) > 1 and candidates[0].score - candidates[1].score < MARGIN:
            raise AmbiguousEntity(text, candidates)
        return candidates[0].id


def resolve_entity(store: Store, text: str) -> str:
    """Shortcut: the id of the entity of the live build that ``text`` names."""
    return EntityIndex.from_store(store).resolve(text)
