"""FollowTheMoney entity streams in and out, through the ``followthemoney`` library's own model.

Import: every line is read with ``model.get_proxy`` (so schemata, property types, inheritance
and validation are FtM's, not a copy), legal entities become ledger entities and interval
entities (Ownership, Directorship, Payment …) become claims with their dates and amounts, each
referencing the file as a Dataset source at its line. Export: the ledger as FtM proxies that
Aleph, OpenSanctions tools and nomenklatura read. The correspondence is the two tables below.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from graph.diagnostics import Diagnostic, display_path
from graph.importers.convert import Conversion, Record, RowWhere
from graph.ledger.model import ID_PATTERN, Claim, Entity, Ledger, Source
from graph.ledger.positions import Where
from graph.vocabulary import load_vocabulary

# FtM schema -> our classes (the most specific FtM schema an entity is, is asked of FtM)
ENTITY_TYPES: dict[str, list[str]] = {
    "Person": ["Person"], "PublicBody": ["PublicBody"], "Company": ["Company"],
    "Organization": ["Organization"], "LegalEntity": ["Organization"],
}
# FtM interval schema -> (our predicate, FtM property of our subject, of our object)
EDGES: dict[str, tuple[str, str, str]] = {
    "Ownership": ("invested_in", "owner", "asset"),
    "Directorship": ("leads", "director", "organization"),
    "Employment": ("employs", "employer", "employee"),
    "Membership": ("partnered_with", "member", "organization"),
    "Payment": ("contract_with", "payer", "beneficiary"),
    "Representation": ("partnered_with", "agent", "client"),
}
IDENTIFIERS = {"wikidataId": "wikidata", "registrationNumber": "registration", "leiCode": "lei",
               "innCode": "inn", "vatCode": "vat", "opencorporatesUrl": "opencorporates"}
PUBLIC = {"Agency", "LawEnforcementAgency", "MilitaryAgency", "IntelligenceAgency", "PublicBody",
          "Legislature", "Regulator", "DataProtectionAuthority", "CompetitionAuthority", "Court"}
COMPANY = {"Company", "Vendor", "Investor", "Platform", "PrivateCustomer"}
ORGANIZATION = {"Organization", "NGO", "MediaOrganization", "EducationalInstitution",
                "InternationalOrganization"}
# our predicate -> (FtM schema, property for our subject, property for our object)
EXPORT_EDGES: dict[str, tuple[str, str, str]] = {
    "invested_in": ("Ownership", "owner", "asset"),
    "leads": ("Directorship", "director", "organization"),
    "employs": ("Employment", "employer", "employee"),
    "contract_with": ("Payment", "payer", "beneficiary"),
}
_ID = re.compile(ID_PATTERN)
# Our classes travel in FtM's free-text ``keywords`` so that a round trip keeps them.
KEYWORD = "custodiet:"


@dataclass
class FtmImport:
    conversion: Conversion
    skipped: dict[str, int] = field(default_factory=dict)  # schema -> entities not imported
    lines: int = 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def our_id(ftm_id: str, caption: str) -> str:
    """FtM ids that are already valid ledger ids stay (a round trip keeps ours); others become
    a readable slug of the caption plus a short hash of the FtM id, stable across imports."""
    if _ID.match(ftm_id) and len(ftm_id) <= 100:
        return ftm_id
    digest = hashlib.sha1(ftm_id.encode()).hexdigest()[:8]
    return f"{_slug(caption)[:50].strip('-') or 'ftm'}-{digest}"


def _country(values: Iterable[str]) -> str | None:
    for value in values:
        code = value.strip().upper()
        if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
            return code
    return None


def _date(values: Iterable[str]) -> str | None:
    for value in values:
        if m := re.match(r"^(\d{4})(-\d{2})?(-\d{2})?", value):
            return "".join(g for g in m.groups() if g)
    return None


def read_ftm(path: Path, source_id: str, sha256: str, title: str, diagnostics: list[Diagnostic],
             *, publisher: str | None = None, url: str | None = None,
             published: str | None = None, archive: str | None = None) -> FtmImport:
    """Convert an FtM JSON Lines file; unreadable lines and unknown schemata are reported."""
    shown = display_path(path)
    out = FtmImport(Conversion())
    conv = out.conversion
    proxies: list[tuple[int, EntityProxy]] = []
    text = path.read_text(encoding="utf-8-sig")
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        out.lines += 1
        try:
            data = json.loads(line)
            proxy = model.get_proxy(data, cleaned=False)
        except json.JSONDecodeError as exc:
            diagnostics.append(Diagnostic(shown, line_no, exc.colno, f"invalid JSON: {exc.msg}",
                                          "one FtM entity (a JSON object) per line"))
            continue
        except (InvalidData, TypeError, AttributeError) as exc:
            diagnostics.append(Diagnostic(shown, line_no, 1, f"not an FtM entity: {exc}",
                                          'each line needs "id", "schema" and "properties"'))
            continue
        if not proxy.id:
            diagnostics.append(Diagnostic(shown, line_no, 1, "FtM entity without an id",
                                          'add "id"'))
            continue
        proxies.append((line_no, proxy))
    ids: dict[str, str] = {}
    addresses: dict[str, EntityProxy] = {}
    for _line, proxy in proxies:
        if proxy.schema.is_a("Address"):
            addresses[str(proxy.id)] = proxy
        kind = next((k for k in ENTITY_TYPES if proxy.schema.is_a(k)), None)
        if kind is not None:
            ids[str(proxy.id)] = our_id(str(proxy.id), proxy.caption)
    for line_no, proxy in proxies:
        where = RowWhere(shown, None, line_no, ())
        if proxy.schema.name in ENTITY_TYPES or any(proxy.schema.is_a(k) for k in ENTITY_TYPES):
            entity = _entity(proxy, ids, addresses)
            conv.entities[entity["id"]] = Record("entity", entity, where, {line_no})
        elif proxy.schema.name in EDGES or proxy.schema.name == "UnknownLink":
            claim = _claim(proxy, ids, source_id, line_no, diagnostics, shown)
            if claim is not None:
                conv.claims[claim["id"]] = Record("claim", claim, where, {line_no})
        elif not proxy.schema.is_a("Address"):
            out.skipped[proxy.schema.name] = out.skipped.get(proxy.schema.name, 0) + 1
    source: dict[str, Any] = {"id": source_id, "kind": "Dataset", "title": title,
                              "sha256": sha256}
    for key, value in (("publisher", publisher), ("url", url), ("published", published),
                       ("archive", archive)):
        if value:
            source[key] = value
    conv.sources[source_id] = Record("source", source, Where(shown, None))
    return out


def _entity(proxy: EntityProxy, ids: dict[str, str],
            addresses: dict[str, EntityProxy]) -> dict[str, Any]:
    kind = next(k for k in ENTITY_TYPES if proxy.schema.is_a(k))
    names = list(dict.fromkeys(proxy.get("name") or [proxy.caption]))
    aliases = [n for n in dict.fromkeys([*names[1:], *proxy.get("alias"),
                                         *proxy.get("previousName")]) if n != names[0]]
    classes = load_vocabulary().entity_classes
    ours = [k.removeprefix(KEYWORD) for k in proxy.get("keywords")
            if k.startswith(KEYWORD) and k.removeprefix(KEYWORD) in classes]
    data: dict[str, Any] = {"id": ids[str(proxy.id)], "types": ours or list(ENTITY_TYPES[kind]),
                            "name": {"en": names[0], "fr": names[0]}}
    if aliases:
        data["aliases"] = aliases
    country = _country([*proxy.get("country"), *proxy.get("jurisdiction")])
    if country is None:
        for ref in proxy.get("addressEntity"):
            if ref in addresses and (country := _country(addresses[ref].get("country"))):
                break
    if country:
        data["country"] = country
    founded = _date(proxy.get("incorporationDate"))
    if founded:
        data["founded"] = founded
    site = next((w for w in proxy.get("website") if w.startswith(("http://", "https://"))), None)
    if site:
        data["website"] = site
    identifiers = {ours: values[0] for theirs, ours in IDENTIFIERS.items()
                   if theirs in proxy.schema.properties and (values := proxy.get(theirs))}
    if not _ID.match(str(proxy.id)):
        identifiers["ftm"] = str(proxy.id)
    if identifiers:
        data["identifiers"] = identifiers
    return data


def _claim(proxy: EntityProxy, ids: dict[str, str], source_id: str, line_no: int,
           diagnostics: list[Diagnostic], shown: str) -> dict[str, Any] | None:
    name = proxy.schema.name
    if name == "UnknownLink":
        role = next(iter(proxy.get("role")), "")
        if role not in load_vocabulary().predicates:
            diagnostics.append(Diagnostic(shown, line_no, 1, f"UnknownLink with role {role!r} "
                                          "is not imported", "only roles that are Custodiet "
                                          "predicates (as its export writes) map to a claim",
                                          "warning"))
            return None
        predicate, subject_prop, object_prop = role, "subject", "object"
    else:
        predicate, subject_prop, object_prop = EDGES[name]
    subjects, objects = proxy.get(subject_prop), proxy.get(object_prop)
    if not subjects or not objects or subjects[0] not in ids or objects[0] not in ids:
        missing = subject_prop if not subjects or subjects[0] not in ids else object_prop
        diagnostics.append(Diagnostic(shown, line_no, 1, f"{name}: its {missing} is not a "
                                      "person or organisation of this file; skipped",
                                      "include the linked entity in the stream", "warning"))
        return None
    claim: dict[str, Any] = {"id": our_id(str(proxy.id), f"{ids[subjects[0]]}-{predicate}"),
                             "subject": ids[subjects[0]], "predicate": predicate,
                             "object": ids[objects[0]]}
    for ours, theirs in (("date", "date"), ("start", "startDate"), ("end", "endDate")):
        if value := _date(proxy.get(theirs)):
            claim[ours] = value
    if "amount" in proxy.schema.properties and (amounts := proxy.get("amount")):
        currency = (proxy.get("currency") or [""])[0].upper()
        try:
            amount = float(amounts[0].replace(",", ""))
            claim["amount"] = int(amount) if amount.is_integer() else amounts[0]
        except ValueError:
            diagnostics.append(Diagnostic(shown, line_no, 1, f"amount {amounts[0]!r} is not a "
                                          "number; left out", "", "warning"))
        if "amount" in claim:
            claim["currency"] = currency or "XXX"
    roles = proxy.get("role") if "role" in proxy.schema.properties else []
    if roles and predicate in {"leads", "employs"}:
        claim["role"] = roles[0]
    summary = next(iter(proxy.get("summary")), None)
    percentage = next(iter(proxy.get("percentage")), None) if name == "Ownership" else None
    note = summary or (f"share: {percentage}%" if percentage else None)
    if note:
        claim["note"] = {"en": note}
    claim["refs"] = [{"source": source_id, "locator": {"line": line_no}}]
    return claim


# -- export -----------------------------------------------------------------------------------
def schema_for(types: Iterable[str]) -> str | None:
    kinds = set(types)
    if "Person" in kinds:
        return "Person"
    if kinds & PUBLIC:
        return "PublicBody"
    if kinds & COMPANY:
        return "Company"
    if kinds & ORGANIZATION:
        return "Organization"
    return None


def export_ftm(ledger: Ledger) -> tuple[list[EntityProxy], dict[str, int]]:
    """The ledger as FtM proxies (made and checked by followthemoney) and what was left out."""
    proxies: list[EntityProxy] = []
    skipped: dict[str, int] = {}
    exported: set[str] = set()
    for entity in sorted(ledger.entities.values(), key=lambda e: e.id):
        schema = schema_for(entity.types)
        if schema is None:
            skipped["entities without an FtM schema (products, places …)"] = skipped.get(
                "entities without an FtM schema (products, places …)", 0) + 1
            continue
        proxies.append(_entity_proxy(entity, schema))
        exported.add(entity.id)
    for cid, claim in sorted(ledger.claims.items()):
        if claim.object is None or claim.subject not in exported or claim.object not in exported:
            skipped["claims with a value or a non-exported end"] = skipped.get(
                "claims with a value or a non-exported end", 0) + 1
            continue
        proxies.append(_claim_proxy(cid, claim, ledger.sources))
    return proxies, skipped


def _entity_proxy(entity: Entity, schema: str) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity.id
    proxy.add("name", entity.name.en)
    aliases = [entity.name.fr] if entity.name.fr != entity.name.en else []
    proxy.add("alias", [*aliases, *entity.aliases])
    proxy.add("keywords", [KEYWORD + t for t in entity.types])
    if entity.country:
        proxy.add("country", entity.country[:2].lower())
    if entity.website:
        proxy.add("website", entity.website)
    if entity.founded and "incorporationDate" in proxy.schema.properties:
        proxy.add("incorporationDate", str(entity.founded))
    if wikidata := entity.identifiers.get("wikidata"):
        proxy.add("wikidataId", wikidata)
    if entity.description:
        proxy.add("description", entity.description.en)
    return proxy


def _claim_proxy(cid: str, claim: Claim, sources: dict[str, Source]) -> EntityProxy:
    schema, subject_prop, object_prop = EXPORT_EDGES.get(
        claim.predicate, ("UnknownLink", "subject", "object"))
    proxy = model.make_entity(schema)
    proxy.id = cid
    proxy.add(subject_prop, claim.subject)
    proxy.add(object_prop, claim.object)
    if schema == "UnknownLink":
        proxy.add("role", claim.predicate)
    elif claim.role and "role" in proxy.schema.properties:
        proxy.add("role", claim.role)
    for theirs, value in (("date", claim.date), ("startDate", claim.start),
                          ("endDate", claim.end)):
        if value is not None:
            proxy.add(theirs, str(value))
    if claim.amount is not None:
        if "amount" in proxy.schema.properties:
            proxy.add("amount", str(claim.amount))
            proxy.add("currency", claim.currency)
        else:
            proxy.add("summary", f"amount: {claim.amount} {claim.currency}")
    if claim.note:
        proxy.add("summary", claim.note.en)
    urls = [sources[r.source].url for r in claim.refs if r.source in sources]
    proxy.add("sourceUrl", [u for u in urls if u])
    titles = [sources[r.source].title for r in claim.refs if r.source in sources]
    proxy.add("publisher", titles[:1])
    return proxy
