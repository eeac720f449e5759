"""Mentions of entities: known ones from the ledger's names and aliases (both languages), the
article's main subject behind phrases such as "l'entreprise", and new names as candidates.

Known names are matched on accent- and case-folded word sequences, so elided and inflected
forms meet ("l'ICO", "du FBI", "Clearview's", "Macy’s"); capitals still matter where they carry
meaning: an acronym matches only in capitals ("ICE", not "ice") and a proper name only when
capitalised ("Time", not "time"); names of three words or more match in any case.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.extract.rules import Rules
from graph.ledger import Ledger
from graph.vocabulary import load_vocabulary

TOKEN = re.compile(r"[^\W_]+")
URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
ACTOR_ROOTS = ("Organization", "Person", "Actor")


def fold(text: str) -> str:
    """Accents removed and case folded, one word at a time."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


@dataclass(frozen=True)
class Mention:
    """A stretch of text standing for an entity (``entity`` None for a new name)."""

    start: int
    end: int
    text: str
    entity: str | None
    kind: str  # known | anaphor | new
    types: tuple[str, ...]
    confidence: float
    alternatives: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.entity or new_key(self.text)


def new_key(name: str) -> str:
    return "new:" + " ".join(fold(w) for _, _, w in tokens(name))


@dataclass(frozen=True)
class Alias:
    words: tuple[str, ...]  # folded
    shapes: tuple[str, ...]  # per word: "upper" | "title" | "any"
    entity: str


def _shapes(original: list[str]) -> tuple[str, ...]:
    """Which capitals a match must keep: see the module docstring."""
    if len(original) >= 3:
        return ("any",) * len(original)
    proper = len(original) == 1 or any(w[:1].isupper() for w in original[1:])
    out = []
    for word in original:
        if len(word) >= 2 and word.isupper() and any(c.isalpha() for c in word):
            out.append("upper")
        elif proper and word[:1].isupper():
            out.append("title")
        else:
            out.append("any")
    return tuple(out)


def label_variants(label: str) -> list[str]:
    """A label, the label without its parenthesis, and short names inside the parenthesis:
    'Information Commissioner's Office (ICO, Royaume-Uni)' → also '… Office' and 'ICO'."""
    out = [label]
    inner = re.findall(r"\(([^)]*)\)", label)
    bare = re.sub(r"\s*\([^)]*\)", "", label).strip()
    if bare and bare != label:
        out.append(bare)
    for group in inner:
        for part in (p.strip() for p in group.split(",")):
            if part and part.isupper() and len(part.split()) == 1:  # acronyms only
                out.append(part)
    return out


@dataclass
class Gazetteer:
    """Every known entity's names and aliases, indexed by their first folded word."""

    types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    index: dict[str, list[Alias]] = field(default_factory=dict)
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_ledger(cls, ledger: Ledger) -> Gazetteer:
        vocab = load_vocabulary()
        gaz = cls()
        for entity in ledger.entities.values():
            gaz.types[entity.id] = tuple(entity.types)
            gaz.labels[entity.id] = {"en": entity.name.en, "fr": entity.name.fr}
            names = [entity.name.en, entity.name.fr, *entity.aliases]
            seen: set[Alias] = set()
            for label in names:
                for variant in label_variants(label):
                    gaz._add(variant, entity.id, seen)
        for types in gaz.types.values():
            for t in types:
                if t not in gaz.ancestors:
                    gaz.ancestors[t] = frozenset(vocab.ancestors(t))
        return gaz

    def _add(self, label: str, entity: str, seen: set[Alias]) -> None:
        original = [w for _, _, w in tokens(label)]
        if not original:
            return
        alias = Alias(tuple(fold(w) for w in original), _shapes(original), entity)
        if alias not in seen:
            seen.add(alias)
            self.index.setdefault(alias.words[0], []).append(alias)

    def is_a(self, entity_types: Iterable[str], allowed: Iterable[str]) -> bool:
        wanted = set(allowed)
        vocab_ancestors = self.ancestors
        for t in entity_types:
            if t not in vocab_ancestors:
                vocab_ancestors[t] = frozenset(load_vocabulary().ancestors(t))
            if vocab_ancestors[t] & wanted:
                return True
        return False

    def label(self, entity: str, lang: str) -> str:
        return self.labels.get(entity, {}).get(lang, entity)

    def find(self, text: str, start: int = 0, end: int | None = None,
             extra: dict[str, list[Alias]] | None = None) -> list[Mention]:
        """Known names in ``text[start:end]``, longest match first, none inside URLs."""
        end = len(text) if end is None else end
        masked = [(m.start(), m.end()) for m in URL.finditer(text, start, end)]
        toks = [t for t in tokens(text[start:end])]
        toks = [(s + start, e + start, w) for s, e, w in toks
                if not any(a <= s + start < b for a, b in masked)]
        folded = [fold(w) for _, _, w in toks]
        found: list[Mention] = []
        i = 0
        while i < len(toks):
            best: tuple[int, list[Alias]] | None = None
            for table in (self.index, extra or {}):
                for alias in table.get(folded[i], ()):
                    n = len(alias.words)
                    if tuple(folded[i:i + n]) != alias.words:
                        continue
                    if not _shape_ok(alias.shapes, [w for _, _, w in toks[i:i + n]]):
                        continue
                    if not _contiguous(text, toks[i:i + n]):
                        continue
                    if best is None or n > best[0]:
                        best = (n, [alias])
                    elif n == best[0] and alias.entity not in {a.entity for a in best[1]}:
                        best[1].append(alias)
            if best is None:
                i += 1
                continue
            n, aliases = best
            s, e = toks[i][0], toks[i + n - 1][1]
            if "(" in text[s:e] and text[e:e + 1] == ")":
                e += 1
            entity = aliases[0].entity
            confidence = 0.9 if len(aliases) == 1 else 0.4
            found.append(Mention(s, e, text[s:e], entity, "known", self.types.get(entity, ()),
                                 confidence, tuple(a.entity for a in aliases[1:])))
            i += n
        return _merge_adjacent(text, found)

    def surname_aliases(self, mentions: list[Mention]) -> dict[str, list[Alias]]:
        """Surnames of the people named in full in this document ('M. Ton-That')."""
        extra: dict[str, list[Alias]] = {}
        for m in mentions:
            if m.entity and "Person" in self.types.get(m.entity, ()):
                original = [w for _, _, w in tokens(m.text)]
                if len(original) >= 2:
                    surname = original[1:]
                    words = tuple(fold(w) for w in surname)
                    alias = Alias(words, ("title",) * len(words), m.entity)
                    if alias not in extra.get(words[0], []):
                        extra.setdefault(words[0], []).append(alias)
        return extra


def _shape_ok(shapes: tuple[str, ...], words: list[str]) -> bool:
    for shape, word in zip(shapes, words, strict=True):
        if shape == "upper" and not word.isupper():
            return False
        if shape == "title" and not word[:1].isupper():
            return False
    return True


def _contiguous(text: str, toks: list[tuple[int, int, str]]) -> bool:
    """Words of one name are separated by spaces, hyphens, apostrophes or dots, not sentences."""
    return all(re.fullmatch(r"[\s\-'’.&/]{0,3}|\s?\(\s?|\s?\)\s?", text[a[1]:b[0]]) is not None
               for a, b in itertools.pairwise(toks))


def _merge_adjacent(text: str, mentions: list[Mention]) -> list[Mention]:
    """'Fish and Wildlife Service (FWS)': one mention, not two."""
    out: list[Mention] = []
    for m in mentions:
        if out and out[-1].entity == m.entity and re.fullmatch(r"\s*\(\s*", text[out[-1].end:m.start]) \
                and text[m.end:m.end + 1] == ")":
            prev = out.pop()
            m = Mention(prev.start, m.end + 1, text[prev.start:m.end + 1], m.entity, m.kind,
                        m.types, max(prev.confidence, m.confidence), prev.alternatives)
        out.append(m)
    return out


def main_entity(mentions: list[Mention], gaz: Gazetteer) -> str | None:
    """The article's subject: the most mentioned known organisation (vendors first)."""
    counts = Counter(m.entity for m in mentions if m.entity and m.kind == "known"
                     and gaz.is_a(m.types, ["Organization"]))
    if not counts:
        return None
    vendors = {e: n for e, n in counts.items() if gaz.is_a(gaz.types.get(e, ()), ["Vendor"])}
    pool = vendors if vendors and max(vendors.values()) * 2 >= max(counts.values()) else counts
    return max(pool, key=lambda e: (pool[e], e))


def anaphora(text: str, start: int, end: int, rules: Rules, entity: str,
             gaz: Gazetteer) -> list[Mention]:
    if rules.anaphora is None:
        return []
    return [Mention(m.start(), m.end(), m.group(), entity, "anaphor", gaz.types.get(entity, ()), 0.5)
            for m in rules.anaphora.finditer(text, start, end)]


def guess_type(name: str, label: str | None, rules: Rules, titled: bool = False) -> str:
    """A proposed class for a new name: its head words first, then the recogniser's label."""
    if titled:
        return "Person"
    for pattern, cls in rules.type_heads:
        if pattern.search(name):
            return cls
    if label and label in rules.ner_types:
        return rules.ner_types[label]
    return "Organization"


def capitalised_names(text: str, start: int, end: int, rules: Rules,
                      sentence_starts: set[int]) -> list[tuple[int, int, str | None, bool]]:
    """New-name candidates without a recogniser: runs of capitalised words (inner 'of', 'and',
    'for', 'the' allowed), titles such as 'Senator' stripped and remembered; acronyms too."""
    connectors = {"of", "and", "for", "the", "de", "du", "des", "la", "le", "&"}
    toks = [(s + start, e + start, w) for s, e, w in tokens(text[start:end])]
    out: list[tuple[int, int, str | None, bool]] = []
    i = 0
    while i < len(toks):
        _s, _e, w = toks[i]
        if not w[:1].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(toks):
            gap = text[toks[j][1]:toks[j + 1][0]]
            nxt = toks[j + 1][2]
            if not re.fullmatch(r"[ \-'’.&]{1,2}", gap):
                break
            if nxt[:1].isupper() or (nxt.casefold() in connectors and j + 2 < len(toks)
                                     and toks[j + 2][2][:1].isupper()
                                     and re.fullmatch(r" ", text[toks[j + 1][1]:toks[j + 2][0]])):
                j += 1
            else:
                break
        run = toks[i:j + 1]
        titled = False
        while run and (run[0][2] in rules.title_words or run[0][2].casefold() in {"the", "la", "le"}):
            titled = titled or run[0][2] in rules.title_words
            run = run[1:]
        while run and run[-1][2].casefold() in connectors:
            run = run[:-1]
        if run:
            name = text[run[0][0]:run[-1][1]]
            lone_start = len(run) == 1 and run[0][0] in sentence_starts
            if not lone_start and name not in rules.ner_stoplist and len(name) > 1:
                follows = text[run[-1][1]:run[-1][1] + 5]
                titled = titled or bool(re.match(r"\s*\(?[DR]-", follows))
                out.append((run[0][0], run[-1][1], None, titled))
        i = j + 1
    return out
