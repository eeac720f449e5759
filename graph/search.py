"""Search-as-you-type over entity names and aliases (both languages), typo and accent tolerant.

Why a small in-memory word index rather than SPARQL ``REGEX`` or SQLite FTS5: a regex scan
touches every label on every keystroke (hundreds of ms at a million claims), and FTS5 matches
prefixes but not typos. Here every label is split into accent-folded words; a query's words are
matched against the *distinct* words (exact, prefix, then rapidfuzz edit distance on that much
smaller list), and labels are ranked from the words' posting lists. The index is built once per
build id (from the store, so it works on every backend) and cached in memory and on disk.
"""

from __future__ import annotations

import bisect
import json
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from graph.ledger.model import Claim, Entity, Known, Redirect, Source
from graph.settings import Settings, get_settings
from graph.store import Store, open_store
from graph.vocabulary import ONT, RDFS, SKOS

INDEX_FORMAT = 1
PREFIX_LENGTHS = range(3, 11)  # typo-tolerant prefix matching compares word heads this long
MAX_WORD_CANDIDATES = 40


@dataclass(frozen=True)
class Match:
    """One entity found: its id, label in the asked language, classes, and a 0–100 score."""

    id: str
    label: str
    types: tuple[str, ...]
    score: float
    matched: str = ""  # the name or alias that matched, when it is not the label itself


def normalize(text: str) -> str:
    """Lower-case, accents removed, punctuation to spaces: 'Autorité' and 'autorite' meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in stripped).split())


@dataclass
class SearchIndex:
    """Labels of every entity, their words and the words' posting lists."""

    ids: list[str] = field(default_factory=list)
    labels: list[dict[str, str]] = field(default_factory=list)
    types: list[tuple[str, ...]] = field(default_factory=list)
    entry_entity: list[int] = field(default_factory=list)
    entry_text: list[str] = field(default_factory=list)
    entry_norm: list[str] = field(default_factory=list)
    entry_words: list[tuple[str, ...]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    heads: dict[int, list[str]] = field(default_factory=dict)
    sorted_norms: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def from_rows(cls, entities: list[tuple[str, tuple[str, ...]]],
                  texts: list[tuple[str, str, str]]) -> SearchIndex:
        """``entities``: (id, types); ``texts``: (id, text, lang or "") for names and aliases."""
        index = cls()
        position: dict[str, int] = {}
        for ident, types in entities:
            position[ident] = len(index.ids)
            index.ids.append(ident)
            index.labels.append({})
            index.types.append(types)
        seen: set[tuple[int, str]] = set()
        postings: dict[str, list[int]] = defaultdict(list)
        for ident, text, lang in texts:
            e = position.get(ident)
            if e is None:
                continue
            if lang:
                index.labels[e].setdefault(lang, text)
            norm = normalize(text)
            if not norm or (e, norm) in seen:
                continue
            seen.add((e, norm))
            entry = len(index.entry_text)
            words = tuple(dict.fromkeys(norm.split()))
            index.entry_entity.append(e)
            index.entry_text.append(text)
            index.entry_norm.append(norm)
            index.entry_words.append(words)
            for word in words:
                postings[word].append(entry)
        # Shorter labels first inside each posting list: the most specific match ranks first
        # and a common word can be cut short without losing the best hits.
        lengths = [len(n) for n in index.entry_norm]
        index.postings = {w: sorted(p, key=lengths.__getitem__) for w, p in postings.items()}
        index.words = sorted(index.postings)
        index.heads = {k: [w[:k] for w in index.words] for k in PREFIX_LENGTHS}
        index.sorted_norms = sorted((n, i) for i, n in enumerate(index.entry_norm))
        return index

    # -- matching ----------------------------------------------------------------------------
    def _word_scores(self, token: str, prefix: bool = True) -> dict[str, float]:
        """Distinct words a query token may stand for, with how well they match (0–100)."""
        found: dict[str, float] = {}
        start = bisect.bisect_left(self.words, token)
        for word in self.words[start:start + (200 if prefix else 1)]:
            if word == token:
                found[word] = 100.0
            elif prefix and word.startswith(token):
                found[word] = 96.0 - min(len(word) - len(token), 10) * 0.2
            else:
                break
        if len(token) >= 3:
            cutoff = 75 if len(token) >= 5 else 70
            # Compare with word heads of the token's length, so an unfinished word with a typo
            # ('clearvei', 'comision') still finds its word; long tokens use whole words.
            choices = self.heads.get(len(token), self.words)
            for _text, score, i in process.extract(token, choices, scorer=fuzz.ratio,
                                                   limit=MAX_WORD_CANDIDATES,
                                                   score_cutoff=cutoff):
                found.setdefault(self.words[i], float(score) * 0.9)
        return found

    def search(self, query: str, lang: str | None = None, limit: int = 10) -> list[Match]:
        norm = normalize(query)
        if not norm or limit <= 0:
            return []
        scores: dict[int, tuple[float, int]] = {}  # entity -> (score, entry)
        # Whole-label prefix: what a user typing the start of a name expects first.
        start = bisect.bisect_left(self.sorted_norms, (norm, -1))
        for text, entry in self.sorted_norms[start:start + limit * 5]:
            if not text.startswith(norm):
                break
            score = 100.0 if text == norm else 98.0 - min(len(text) - len(norm), 40) * 0.05
            self._keep(scores, entry, score)
        tokens = norm.split()
        if len(norm) >= 2:
            # Every token may be unfinished: people type 'bur fed' as readily as the last word.
            per_token = [self._word_scores(t, prefix=True) for t in tokens]
            if all(per_token):
                self._token_matches(per_token, scores, limit)
        ranked = sorted(scores.items(),
                        key=lambda kv: (-kv[1][0], len(self.entry_norm[kv[1][1]]), self.ids[kv[0]]))
        out = []
        for e, (score, entry) in ranked[:limit]:
            label = self.labels[e].get(lang or "en") or self.labels[e].get("en") or next(
                iter(self.labels[e].values()), self.ids[e])
            matched = self.entry_text[entry]
            out.append(Match(self.ids[e], label, self.types[e], round(score, 1),
                             "" if matched == label else matched))
        return out

    def _token_matches(self, per_token: list[dict[str, float]],
                       scores: dict[int, tuple[float, int]], limit: int) -> None:
        # Start from the token with the fewest candidate entries, then require every other
        # token to match some word of the entry (AND semantics, as search boxes behave).
        def volume(candidates: dict[str, float]) -> int:
            return sum(len(self.postings[w]) for w in candidates)

        order = sorted(range(len(per_token)), key=lambda i: volume(per_token[i]))
        first, rest = per_token[order[0]], [per_token[i] for i in order[1:]]
        budget = max(limit * 50, 500)
        for word, word_score in sorted(first.items(), key=lambda kv: -kv[1]):
            for entry in self.postings[word]:
                total = word_score
                words = self.entry_words[entry]
                for other in rest:
                    best = max((other.get(w, 0.0) for w in words), default=0.0)
                    if not best:
                        break
                    total += best
                else:
                    self._keep(scores, entry, total / len(per_token) - 0.5 * (len(words) > 1))
                budget -= 1
                if budget <= 0:
                    return

    def _keep(self, scores: dict[int, tuple[float, int]], entry: int, score: float) -> None:
        e = self.entry_entity[entry]
        if e not in scores or scores[e][0] < score:
            scores[e] = (score, entry)

    # -- persistence -------------------------------------------------------------------------
    def rows(self) -> dict[str, object]:
        return {
            "format": INDEX_FORMAT,
            "entities": [[i, list(t)] for i, t in zip(self.ids, self.types, strict=True)],
            "texts": [[self.ids[e], text, lang] for e, labels in enumerate(self.labels)
                      for lang, text in labels.items()]
            + [[self.ids[e], t, ""] for e, t in zip(self.entry_entity, self.entry_text, strict=True)
               if t not in self.labels[e].values()],
        }


_ENTITY_TYPES = f"""SELECT ?e ?t WHERE {{
  ?e a <{ONT}Entity> ; a ?t . FILTER(?t != <{ONT}Entity>)
}}"""
_TEXTS = f"""SELECT ?e ?text ?lang WHERE {{
  ?e a <{ONT}Entity> .
  {{ ?e <{RDFS}label> ?text }} UNION {{ ?e <{SKOS}altLabel> ?text }}
  BIND(LANG(?text) AS ?lang)
}}"""


def index_from_store(store: Store, base_iri: str) -> SearchIndex:
    """Read every entity's classes, names and aliases from any backend."""
    prefix = f"{base_iri}entity/"
    types: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_ENTITY_TYPES).rows:
        iri, cls = row["e"] or "", row["t"] or ""
        if iri.startswith(prefix) and cls.startswith(ONT):
            types[iri[len(prefix):]].append(cls[len(ONT):])
    texts = [((row["e"] or "")[len(prefix):], row["text"] or "", row["lang"] or "")
             for row in store.select(_TEXTS).rows if (row["e"] or "").startswith(prefix)]
    entities = [(ident, tuple(sorted(t))) for ident, t in sorted(types.items())]
    return SearchIndex.from_rows(entities, texts)


class SearchSink:
    """A validator sink: collects names and aliases as records stream by, so a build can save
    its search index at publish time and the first keystroke after a big build is instant."""

    def __init__(self) -> None:
        self.entities: list[tuple[str, tuple[str, ...]]] = []
        self.texts: list[tuple[str, str, str]] = []
        self.valid = True

    def entity(self, entity: Entity) -> None:
        self.entities.append((entity.id, tuple(entity.types)))
        self.texts.extend((entity.id, text, lang) for lang, text in entity.name.items())
        self.texts.extend((entity.id, alias, "") for alias in entity.aliases)

    def source(self, source: Source) -> None:
        pass

    def claim(self, cid: str, claim: Claim, known: Known) -> None:
        pass

    def redirect(self, redirect: Redirect) -> None:
        """A merged record's names find the entity it was merged into."""
        self.texts.extend((redirect.to, alias, "") for alias in redirect.aliases)

    def abandon(self) -> None:
        self.valid = False
        self.entities.clear()
        self.texts.clear()

    def close(self) -> None:
        pass

    def save(self, settings: Settings, build_id: str) -> None:
        if self.valid:
            save_index(SearchIndex.from_rows(sorted(self.entities), self.texts),
                       cache_file(settings, build_id))


_cache: dict[tuple[str, str], SearchIndex] = {}
_lock = threading.Lock()


def cache_file(settings: Settings, build_id: str) -> Path:
    return settings.store_dir / "cache" / f"search-{build_id}.json"


def get_index(settings: Settings | None = None, store: Store | None = None) -> SearchIndex | None:
    """The index of the live build (None before the first build), cached by build id."""
    settings = settings or get_settings()
    store = store or open_store(settings)
    info = store.info()
    if info is None:
        return None
    key = (f"{settings.backend}:{settings.store_dir}:{settings.remote_query_url}", info.build_id)
    with _lock:
        if key in _cache:
            return _cache[key]
        file = cache_file(settings, info.build_id)
        index: SearchIndex | None = None
        if file.is_file():
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if data.get("format") == INDEX_FORMAT:
                    index = SearchIndex.from_rows(
                        [(i, tuple(t)) for i, t in data["entities"]],
                        [(i, text, lang) for i, text, lang in data["texts"]])
            except (OSError, ValueError, KeyError, TypeError):
                index = None
        if index is None:
            index = index_from_store(store, settings.base_iri)
            save_index(index, file)
        _cache.clear()  # one live build per process is enough; old builds free their memory
        _cache[key] = index
        return index


def save_index(index: SearchIndex, file: Path) -> None:
    """Persist the index's rows so a restarted dashboard does not query the store again."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        tmp.write_text(json.dumps(index.rows(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(file)
    except OSError:
        pass  # a read-only store folder only costs the rebuild on the next start


def search(query: str, lang: str | None = None, limit: int = 10, *,
           settings: Settings | None = None) -> list[Match]:
    """Entities whose names or aliases (en or fr) match ``query``; best first.

    Tolerates missing accents, typos and unfinished words ('autorite suedo', 'clearveiw').
    ``lang`` picks the language of the returned label (English when there is none).
    """
    index = get_index(settings)
    return index.search(query, lang, limit) if index else []
