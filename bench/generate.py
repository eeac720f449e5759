"""A synthetic ledger, deterministic by seed, shaped like the real one but a thousand times larger.

Proportions follow what the curated data and the imports it anticipates look like: many
vendors, companies and people, fewer agencies and regulators; contracts, customers and press
reports dominate the claims; most claims rest on one or two sources, a few on five; some
sources cite others (chains); about one claim in a hundred disputes another; and degrees are
skewed (entity popularity follows a power law, so a few hubs carry tens of thousands of claims).

Which classes and predicates exist, and which subject/object types a predicate allows, is asked
of the vocabulary; the weights below only say how common each one is.

    python -m bench.generate --claims 100k --out var/bench/ledger-100k   # writes .jsonl and csv/
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pycountry

from graph.vocabulary import Vocabulary, load_vocabulary

# How common each class is among entities (classes missing from the vocabulary are skipped).
TYPE_WEIGHTS: dict[str, float] = {
    "Vendor": 14, "Company": 14, "Person": 22, "Investor": 3, "Agency": 3,
    "LawEnforcementAgency": 6, "MilitaryAgency": 1, "IntelligenceAgency": 1, "PublicBody": 3,
    "Legislature": 0.5, "Regulator": 0.7, "DataProtectionAuthority": 0.8,
    "CompetitionAuthority": 0.3, "Court": 2, "NGO": 4, "PrivateCustomer": 2, "Platform": 2,
    "MediaOrganization": 6, "EducationalInstitution": 2, "InternationalOrganization": 0.4,
    "Product": 8, "Patent": 4, "Sector": 0.2, "Organization": 2,
}
# How common each predicate is among claims.
PREDICATE_WEIGHTS: dict[str, float] = {
    "contract_with": 18, "customer_of": 11, "supplies": 7, "reported_on": 12, "invested_in": 5,
    "employs": 3, "leads": 3, "founded": 1.5, "acquired": 1, "subsidiary_of": 1.5,
    "partnered_with": 4, "develops": 4, "filed": 2, "collects_data_from": 1.5,
    "targets_market": 2, "fined": 1.2, "issued_order_to": 1, "investigated": 2,
    "found_in_violation": 0.6, "complaint_against": 1, "sued": 1, "ruled_on": 0.6,
    "appealed": 0.5, "reported_to": 1, "lobbied": 1.5, "recognized_by": 0.7,
    "jurisdiction_over": 0.5, "located_in": 3, "valued_at": 0.8, "raised_funding": 1,
    "image_count": 0.2, "person_count": 0.2, "client_count": 0.3, "employee_count": 0.8,
    "self_description": 0.6, "stated_policy": 0.4,
}
SOURCE_KIND_WEIGHTS: dict[str, float] = {
    "NewsArticle": 45, "OfficialDecision": 10, "Report": 12, "CourtFiling": 6,
    "CompanyStatement": 8, "Dataset": 6, "PressRelease": 10, "ReaderComments": 3,
}
REFS_PER_CLAIM = ((1, 55), (2, 28), (3, 11), (4, 4), (5, 2))
STATUS_PREDICATES = {"fined", "issued_order_to", "ruled_on", "appealed", "found_in_violation"}
MONEY_PREDICATES = {"contract_with", "invested_in", "fined", "acquired"}
ROLE_PREDICATES = {"leads", "employs"}
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "SEK", "CHF")
ROLES = ("chief executive officer", "founder", "engineer", "sales director", "board member",
         "chief technology officer", "policy adviser")
SYLLABLES = ("vex", "or", "ana", "lyt", "clear", "sen", "tri", "opt", "ik", "mar", "del", "ion",
             "ra", "nova", "cor", "tel", "ex", "zen", "qua", "lum", "ver", "pal", "tor", "ix",
             "sig", "net", "ka", "ro", "bel", "fal", "gar", "hel", "jun", "mo", "ny", "pe")
FIRST = ("Marie", "Jean", "Hélène", "Peter", "Anna", "Lars", "Zoë", "François", "Ingrid", "Omar",
         "Sofia", "Noël", "Björn", "Chloé", "David", "Amélie", "Yusuf", "Grace", "Łukasz", "Inès")
LAST = ("Dubois", "Müller", "Svensson", "Okafor", "García", "Nguyen", "Kowalski", "Lefèvre",
        "Thiel", "Ton-That", "Rossi", "Hansen", "Moreau", "Fischer", "Andersson", "Côté", "Silva")
# Words that carry the class in both languages, so names read naturally and search sees accents.
SUFFIX: dict[str, tuple[str, str]] = {
    "Vendor": ("Analytics", "Analytique"), "Company": ("Systems", "Systèmes"),
    "Investor": ("Capital", "Capital"), "Agency": ("Agency", "Agence"),
    "LawEnforcementAgency": ("Police Service", "Service de police"),
    "MilitaryAgency": ("Defence Command", "Commandement de la défense"),
    "IntelligenceAgency": ("Intelligence Directorate", "Direction du renseignement"),
    "PublicBody": ("Public Authority", "Autorité publique"),
    "Legislature": ("Parliament", "Parlement"),
    "Regulator": ("Regulatory Authority", "Autorité de régulation"),
    "DataProtectionAuthority": ("Data Protection Authority", "Autorité de protection des données"),
    "CompetitionAuthority": ("Competition Authority", "Autorité de la concurrence"),
    "Court": ("High Court", "Haute cour"), "NGO": ("Rights Watch", "Observatoire des droits"),
    "PrivateCustomer": ("Retail Group", "Groupe de distribution"),
    "Platform": ("Social", "Réseau social"), "MediaOrganization": ("Times", "Le Journal"),
    "EducationalInstitution": ("University", "Université"),
    "InternationalOrganization": ("Union", "Union"), "Product": ("Scan", "Scan"),
    "Patent": ("Patent", "Brevet"), "Sector": ("Sector", "Secteur"),
    "Organization": ("Group", "Groupe"),
}
DERIVED_ID_FIELDS = ("subject", "predicate", "object", "value", "date", "start", "end", "amount",
                     "kind", "role")
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_size(text: str) -> int:
    """'10k', '1M' or a plain number of claims."""
    key = text.strip().lower()
    return SIZES[key] if key in SIZES else int(key.replace("_", ""))


@dataclass
class Plan:
    """Derived sizes: about one entity per ten claims and one source per five."""

    claims: int

    @property
    def entities(self) -> int:
        return max(60, self.claims // 10)

    @property
    def sources(self) -> int:
        return max(10, self.claims // 5)


def _weighted(rng: random.Random, weights: dict[str, float], allowed: list[str]) -> list[str]:
    names = [n for n in weights if n in allowed]
    return rng.choices(names, [weights[n] for n in names], k=1)


def _skewed(rng: random.Random, n: int, power: float = 3.0) -> int:
    """An index in [0, n) where low indexes are far more likely: popular entities are hubs."""
    return min(n - 1, int(n * rng.random() ** power))


class Generator:
    """Yields ``("entity"|"source"|"claim", record)`` in ledger order: entities, sources, claims."""

    def __init__(self, claims: int, seed: int = 1, vocab: Vocabulary | None = None) -> None:
        self.plan = Plan(claims)
        self.rng = random.Random(seed)
        self.vocab = vocab or load_vocabulary()
        self.countries = sorted(c.alpha_2 for c in pycountry.countries)
        self.entity_types: list[tuple[str, ...]] = []
        self.source_publishers: list[str | None] = []

    # -- entities ---------------------------------------------------------------------------
    def _word(self, parts: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def _entity(self, i: int) -> dict[str, Any]:
        rng = self.rng
        classes = self.vocab.entity_classes
        type_name = _weighted(rng, TYPE_WEIGHTS, classes)[0]
        types = [type_name]
        if type_name == "Investor":
            types = ["Person", "Investor"] if rng.random() < 0.4 else ["Company", "Investor"]
        ident = f"e{i:07d}"
        record: dict[str, Any] = {"id": ident, "types": types}
        if type_name == "Person":
            en = fr = f"{rng.choice(FIRST)} {rng.choice(LAST)} {self._word(1)}"
        else:
            stem = self._word(rng.randint(2, 3))
            en_suffix, fr_suffix = SUFFIX.get(type_name, ("Group", "Groupe"))
            en, fr = f"{stem} {en_suffix}", f"{fr_suffix} {stem}"
            if type_name in {"Vendor", "Company", "Platform", "Product", "Patent"}:
                fr = en
        record["name"] = {"en": en, "fr": fr}
        if rng.random() < 0.3:
            record["aliases"] = ["".join(w[0] for w in en.split()).upper() + str(i % 97)]
        if type_name not in {"Product", "Patent", "Sector"} and rng.random() < 0.8:
            record["country"] = self.countries[_skewed(rng, len(self.countries), 2.0)]
        if rng.random() < 0.3:
            record["founded"] = str(rng.randint(1950, 2023))
        if rng.random() < 0.1:
            record["identifiers"] = {"wikidata": f"Q{1000 + i}"}
        if rng.random() < 0.2:
            record["website"] = f"https://{ident}.example.org/"
        if rng.random() < 0.1:
            record["description"] = {"en": f"A synthetic {type_name} number {i}.",
                                     "fr": f"Un {type_name} synthétique numéro {i}."}
        self.entity_types.append(tuple(types))
        return record

    # -- sources ----------------------------------------------------------------------------
    def _source(self, i: int, publishers: list[int]) -> dict[str, Any]:
        rng = self.rng
        kind = _weighted(rng, SOURCE_KIND_WEIGHTS, self.vocab.source_kinds)[0]
        ident = f"s{i:07d}"
        language = "fr" if rng.random() < 0.25 else "en"
        record: dict[str, Any] = {
            "id": ident, "kind": kind, "language": language,
            "title": f"{'Rapport' if language == 'fr' else 'Report'} {self._word(2)} {i}",
            "published": self._date(),
        }
        if publishers and rng.random() < 0.6:
            record["publisher"] = f"e{publishers[_skewed(rng, len(publishers), 2.0)]:07d}"
        if rng.random() < 0.5:
            record["url"] = f"https://news.example.org/{ident}"
        if rng.random() < 0.2:
            record["author"] = [f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
        if i > 10 and rng.random() < 0.15:  # a chain: this source reports from earlier ones
            record["cites"] = sorted({f"s{rng.randrange(i):07d}" for _ in range(rng.randint(1, 2))})
        if rng.random() < 0.3:
            record["reliability"] = rng.choice(sorted(self.vocab.confidences))
        self.source_publishers.append(record.get("publisher"))
        return record

    def _date(self) -> str:
        rng = self.rng
        year, month, day = rng.randint(2005, 2025), rng.randint(1, 12), rng.randint(1, 28)
        r = rng.random()
        return f"{year}" if r < 0.2 else f"{year}-{month:02d}" if r < 0.5 else (
            f"{year}-{month:02d}-{day:02d}")

    # -- claims -----------------------------------------------------------------------------
    def _pools(self) -> dict[str, tuple[list[int], list[int]]]:
        """Entities each predicate accepts as subject and object, in popularity order."""
        pools = {}
        for name, predicate in self.vocab.predicates.items():
            if name not in PREDICATE_WEIGHTS:
                continue
            subjects = [i for i, t in enumerate(self.entity_types)
                        if not predicate.domain or self.vocab.allows(list(t), predicate.domain)]
            objects = [] if predicate.is_value else [
                i for i, t in enumerate(self.entity_types)
                if not predicate.range or self.vocab.allows(list(t), predicate.range)]
            if subjects and (predicate.is_value or objects):
                pools[name] = (subjects, objects)
        return pools

    def _claim(self, i: int, predicate: str, pools: dict[str, tuple[list[int], list[int]]],
               last_of: dict[tuple[int, str], str]) -> dict[str, Any]:
        rng = self.rng
        spec = self.vocab.predicates[predicate]
        subjects, objects = pools[predicate]
        s = subjects[_skewed(rng, len(subjects))]
        record: dict[str, Any] = {"id": f"c{i:08d}"} if rng.random() < 0.7 else {}
        record.update(subject=f"e{s:07d}", predicate=predicate)
        if spec.is_value:
            if predicate in {"self_description", "stated_policy"}:
                record["value"] = f"synthetic statement {i}"
            else:
                record["value"] = rng.randint(10, 10**9)
        else:
            o = objects[_skewed(rng, len(objects))]
            if o == s:
                o = objects[(objects.index(o) + 1) % len(objects)]
            record["object"] = f"e{o:07d}"
        if spec.requires_currency or (predicate in MONEY_PREDICATES and rng.random() < 0.7):
            if not spec.is_value:
                record["amount"] = rng.randint(1, 5_000_000) * 10
            record["currency"] = rng.choice(CURRENCIES)
        if predicate == "contract_with" and rng.random() < 0.3:
            start = rng.randint(2008, 2023)
            record["start"] = f"{start}-{rng.randint(1, 12):02d}"
            record["end"] = f"{start + rng.randint(1, 3)}"
        elif rng.random() < 0.8:
            record["date"] = self._date()
        if predicate in STATUS_PREDICATES:
            record["status"] = rng.choice(sorted(self.vocab.statuses))
        if predicate == "issued_order_to":
            record["kind"] = rng.choice(sorted(self.vocab.order_kinds))
        if predicate in ROLE_PREDICATES:
            record["role"] = rng.choice(ROLES)
        if rng.random() < 0.1:
            record["note"] = {"en": f"Synthetic note {i}.", "fr": f"Note synthétique {i}."}
        if rng.random() < 0.2:
            record["confidence"] = rng.choice(sorted(self.vocab.confidences))
        key = (s, predicate)
        if key in last_of and rng.random() < 0.08:  # contradicts an earlier claim on the same fact
            record["disputes"] = last_of[key]
        record["refs"] = self._refs(i)
        return record

    def _refs(self, i: int) -> list[dict[str, Any]]:
        rng = self.rng
        n_sources = self.plan.sources
        count = rng.choices([c for c, _ in REFS_PER_CLAIM], [w for _, w in REFS_PER_CLAIM])[0]
        # The first claims use every source once (no unused sources); later ones are skewed.
        chosen = [i] if i < n_sources else []
        while len(chosen) < count:
            candidate = _skewed(rng, n_sources, 2.0)
            if candidate not in chosen:
                chosen.append(candidate)
        refs = []
        for source in chosen:
            r = rng.random()
            if r < 0.5:
                start = rng.randint(0, 20_000)
                locator: dict[str, Any] = {"line": rng.randint(1, 400),
                                           "chars": [start, start + rng.randint(20, 400)]}
            elif r < 0.8:
                locator = {"paragraph": rng.randint(1, 60)}
            else:
                locator = {"page": rng.randint(1, 300)}
            refs.append({"source": f"s{source:07d}", "locator": locator})
        return refs

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for i in range(self.plan.entities):
            yield "entity", self._entity(i)
        publishers = [i for i, t in enumerate(self.entity_types)
                      if {"MediaOrganization", "Regulator", "DataProtectionAuthority", "Court",
                          "NGO", "PublicBody"} & set(t)]
        for i in range(self.plan.sources):
            yield "source", self._source(i, publishers)
        pools = self._pools()
        names = sorted(pools)
        weights = [PREDICATE_WEIGHTS[n] for n in names]
        last_of: dict[tuple[int, str], str] = {}
        derived: set[tuple[Any, ...]] = set()
        for i in range(self.plan.claims):
            predicate = self.rng.choices(names, weights)[0]
            record = self._claim(i, predicate, pools, last_of)
            if "id" not in record:
                # Claims without an id get one derived from their content; two claims with the
                # same content would collide, which validation rightly rejects: name them.
                key = tuple(str(record.get(k)) for k in DERIVED_ID_FIELDS)
                if key in derived:
                    record = {"id": f"c{i:08d}", **record}
                derived.add(key)
            if "id" in record:
                last_of[(int(record["subject"][1:]), predicate)] = record["id"]
            yield "claim", record


# -- writers --------------------------------------------------------------------------------
CSV_COLUMNS = {
    "entities": ["id", "types", "name.en", "name.fr", "aliases", "country", "founded",
                 "identifiers.wikidata", "website", "description.en", "description.fr"],
    "sources": ["id", "kind", "title", "publisher", "author", "published", "language", "url",
                "archive", "sha256", "cites", "reliability", "copy_of", "publisher_reason"],
    "claims": ["id", "subject", "predicate", "object", "value", "date", "start", "end", "amount",
               "currency", "status", "kind", "role", "note.en", "note.fr", "confidence",
               "disputes", "published", "recorded", "follows", "stage", "outcome", "round"],
    "redirects": ["id", "to", "aliases", "reason"],
}
SECTION_OF = {"entity": "entities", "source": "sources", "claim": "claims", "redirect": "redirects"}
LOCATOR_FIELDS = ("paragraph", "line", "page", "section", "chars.0", "chars.1")


def write_jsonl(records: Iterator[tuple[str, dict[str, Any]]], path: Path) -> int:
    """One ``{"entity": {...}}`` / ``{"source": ...}`` / ``{"claim": ...}`` object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for kind, record in records:
            out.write(json.dumps({kind: record}, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """The CSV cells of a record: dotted paths, lists of text joined with ``|``."""
    cells: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                cells.update(flatten(item, f"{name}.{i}."))
        elif isinstance(value, list) and key == "chars":
            cells[f"{name}.0"], cells[f"{name}.1"] = str(value[0]), str(value[1])
        elif isinstance(value, list):
            cells[name] = "|".join(str(v) for v in value)
        else:
            cells[name] = str(value)
    return cells


def write_csv(records: Iterator[tuple[str, dict[str, Any]]], folder: Path, max_refs: int = 5
              ) -> int:
    """``entities.csv``, ``sources.csv``, ``claims.csv`` and ``redirects.csv`` in ``folder``
    (the CSV bulk format)."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = dict(CSV_COLUMNS)
    columns["claims"] = columns["claims"] + [
        f"refs.{i}.{part}" for i in range(max_refs) for part in
        ("source", "stance", *(f"locator.{f}" for f in LOCATOR_FIELDS))]
    files: dict[str, IO[str]] = {}
    writers: dict[str, csv.DictWriter[str]] = {}

    def writer(name: str) -> csv.DictWriter[str]:
        if name not in writers:  # redirects.csv only when there are redirects
            files[name] = (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writers[name] = csv.DictWriter(files[name], fieldnames=columns[name],
                                           lineterminator="\n")
            writers[name].writeheader()
        return writers[name]

    for name in ("entities", "sources", "claims"):
        writer(name)
    count = 0
    try:
        for kind, record in records:
            writer(SECTION_OF[kind]).writerow(flatten(record))
            count += 1
    finally:
        for f in files.values():
            f.close()
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", default="10k", help="10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--formats", default="jsonl,csv", help="jsonl, csv or both")
    args = parser.parse_args(argv)
    claims = parse_size(args.claims)
    formats = set(args.formats.split(","))
    if "jsonl" in formats:
        n = write_jsonl(Generator(claims, args.seed).records(), args.out / "ledger.jsonl")
        print(f"wrote {n} records to {args.out / 'ledger.jsonl'}")
    if "csv" in formats:
        n = write_csv(Generator(claims, args.seed).records(), args.out / "csv")
        print(f"wrote {n} records to {args.out / 'csv'}/")


if __name__ == "__main__":
    main()
