"""Wikidata items as ledger records: labels (en, fr), aliases, types, country, inception,
official website and a few relations, each claim sourced to the item's revision.

Network access happens only here, only when the user runs ``custodiet import wikidata``; the
API address is an option so tests serve recorded answers from 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.importers.convert import Conversion, Record
from graph.ledger.positions import Where

API = "https://www.wikidata.org/w/api.php"
USER_AGENT = "custodiet-importer/0.1 (surveillance-technology knowledge graph; python urllib)"
# P31 (instance of) values we map; anything else is an Organization, with a warning.
INSTANCE_TYPES: dict[str, list[str]] = {
    "Q5": ["Person"], "Q43229": ["Organization"], "Q4830453": ["Company"],
    "Q783794": ["Company"], "Q891723": ["Company"], "Q6881511": ["Company"],
    "Q327333": ["Agency"], "Q163740": ["NGO"], "Q41487": ["Court"],
}
# property -> (predicate, whether the item is the claim's subject)
RELATIONS: dict[str, tuple[str, bool, str | None]] = {
    "P112": ("founded", False, None),  # founded by: the founder founded the item
    "P169": ("leads", False, "chief executive officer"),
    "P749": ("subsidiary_of", True, None),  # parent organization
    "P355": ("subsidiary_of", False, None),  # subsidiary: it is a subsidiary of the item
}
PROPERTY_LABELS = {"P31": "instance of", "P17": "country", "P571": "inception",
                   "P856": "official website", "P112": "founded by",
                   "P169": "chief executive officer", "P749": "parent organization",
                   "P355": "subsidiary"}


class WikidataError(Exception):
    """The API could not be reached or answered something unusable; the message says which."""


@dataclass
class WikidataImport:
    conversion: Conversion
    warnings: list[str] = field(default_factory=list)
    revisions: dict[str, int] = field(default_factory=dict)


def fetch(ids: Iterable[str], api: str = API, timeout: float = 20.0) -> dict[str, Any]:
    """``wbgetentities`` for up to 50 ids: labels, aliases, claims and revision ids."""
    ids = list(ids)
    out: dict[str, Any] = {}
    for start in range(0, len(ids), 50):
        query = urllib.parse.urlencode({
            "action": "wbgetentities", "ids": "|".join(ids[start:start + 50]),
            "props": "labels|aliases|claims|info", "languages": "en|fr", "format": "json"})
        request = urllib.request.Request(f"{api}?{query}", headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise WikidataError(f"{api} answered HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WikidataError(f"cannot reach {api} ({reason}): this command needs the "
                                "network; check the connection, or give --api a mirror")\
                from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise WikidataError(f"{api} did not answer JSON: is it a MediaWiki API?") from None
        if "error" in answer:
            raise WikidataError(f"Wikidata refused the request: {answer['error'].get('info')}")
        out.update(answer.get("entities", {}))
    return out


def _values(item: dict[str, Any], prop: str) -> list[Any]:
    out = []
    for statement in item.get("claims", {}).get(prop, []):
        if statement.get("rank") == "deprecated":
            continue
        snak = statement.get("mainsnak", {})
        if snak.get("snaktype") == "value":
            out.append(snak["datavalue"]["value"])
    return out


def _qids(item: dict[str, Any], prop: str) -> list[str]:
    return [v["id"] for v in _values(item, prop) if isinstance(v, dict) and "id" in v]


def _time(value: dict[str, Any]) -> str | None:
    m = re.match(r"^\+(\d{4})-(\d{2})-(\d{2})", value.get("time", ""))
    if not m:
        return None
    precision = value.get("precision", 9)
    return m[1] if precision <= 9 else f"{m[1]}-{m[2]}" if precision == 10 else \
        f"{m[1]}-{m[2]}-{m[3]}"


def _label(item: dict[str, Any], lang: str) -> str | None:
    value = item.get("labels", {}).get(lang, {}).get("value")
    return str(value) if value else None


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def permalink(api: str, revision: int) -> str:
    """The URL of exactly the revision read: ``…/w/index.php?oldid=N`` beside the API."""
    return api.rsplit("/", 1)[0] + f"/index.php?oldid={revision}"


def convert(qids: list[str], api: str = API, taken: set[str] | None = None) -> WikidataImport:
    """Fetch the items, their related items and countries, and make ledger records."""
    taken = set(taken or ())
    items = fetch(qids, api)
    missing = [q for q in qids if q not in items or "missing" in items[q]]
    if missing:
        raise WikidataError(f"no such Wikidata item: {', '.join(missing)}")
    related = sorted({q for item in items.values() for p in RELATIONS for q in _qids(item, p)}
                     - set(items))
    others = fetch(related, api) if related else {}
    everything = {**items, **others}
    countries = sorted({q for item in everything.values() for q in _qids(item, "P17")})
    country_items = fetch(countries, api) if countries else {}
    iso = {q: str(v[0]) for q, item in country_items.items() if (v := _values(item, "P297"))}
    out = WikidataImport(Conversion())
    conv = out.conversion
    ids: dict[str, str] = {}
    for qid, item in everything.items():
        label = _label(item, "en") or _label(item, "fr") or qid
        base = _slug(label) or qid.lower()
        ids[qid] = base if base not in taken and base not in ids.values() else \
            f"{base}-{qid.lower()}"
    publisher = {"id": "wikidata", "types": ["Platform"],
                 "name": {"en": "Wikidata", "fr": "Wikidata"}}
    here = Where("wikidata", None)
    conv.entities["wikidata"] = Record("entity", publisher, here)
    for qid, item in everything.items():
        conv.entities[ids[qid]] = Record("entity", _entity(qid, item, ids, iso, out), here)
    for qid in qids:
        item = items[qid]
        revision = int(item.get("lastrevid", 0))
        out.revisions[qid] = revision
        source_id = f"wikidata-{qid.lower()}-r{revision}"
        conv.sources[source_id] = Record("source", {
            "id": source_id, "kind": "Dataset", "publisher": "wikidata",
            "title": f"Wikidata item {qid}, {_label(item, 'en') or qid} (revision {revision})",
            "url": permalink(api, revision)}, here)
        for prop, (predicate, item_is_subject, role) in RELATIONS.items():
            for other in _qids(item, prop):
                if other not in ids:
                    continue
                subject, obj = (ids[qid], ids[other]) if item_is_subject else (ids[other],
                                                                               ids[qid])
                claim: dict[str, Any] = {
                    "id": f"{subject}.{predicate}.{obj}.{qid.lower()}-{prop.lower()}",
                    "subject": subject, "predicate": predicate, "object": obj,
                    "refs": [{"source": source_id, "locator": {
                        "section": f"{prop} ({PROPERTY_LABELS[prop]})"}}]}
                if role:
                    claim["role"] = role
                conv.claims[claim["id"]] = Record("claim", claim, here)
        if not any(r.kind == "claim" and r.data["refs"][0]["source"] == source_id
                   for r in conv.claims.values()):
            out.warnings.append(f"{qid}: none of the relations imported ({', '.join(RELATIONS)})"
                                " is on the item; its labels and facts are kept, but a source "
                                "needs a claim, so the revision is not recorded")
            del conv.sources[source_id]
    return out


def _entity(qid: str, item: dict[str, Any], ids: dict[str, str], iso: dict[str, str],
            out: WikidataImport) -> dict[str, Any]:
    en = _label(item, "en") or _label(item, "fr") or qid
    fr = _label(item, "fr") or en
    instance = _qids(item, "P31")
    types = list(dict.fromkeys(t for q in instance for t in INSTANCE_TYPES.get(q, [])))
    if not types:
        out.warnings.append(f"{qid} ({en}): instance of {', '.join(instance) or 'nothing'} is "
                            "not mapped; imported as Organization")
        types = ["Organization"]
    aliases = [a["value"] for lang in ("en", "fr")
               for a in item.get("aliases", {}).get(lang, []) if a["value"] not in (en, fr)]
    data: dict[str, Any] = {"id": ids[qid], "types": types, "name": {"en": en, "fr": fr},
                            "identifiers": {"wikidata": qid}}
    if aliases:
        data["aliases"] = list(dict.fromkeys(aliases))
    country = next((iso[q] for q in _qids(item, "P17") if q in iso), None)
    if country:
        data["country"] = country
    inception = next((t for v in _values(item, "P571") if (t := _time(v))), None)
    if inception:
        data["founded"] = inception
    website = next((v for v in _values(item, "P856") if isinstance(v, str)
                    and v.startswith(("http://", "https://"))), None)
    if website:
        data["website"] = website
    return data
