"""Families of relations: how the profile groups claims and which claims each task view reads.

An analyst asks "who funds it", "who buys it", "who acted against it"; the ontology has some
forty predicates. Grouping them here (not in the ontology) keeps the dashboard's sections a
reading choice; a predicate this table does not know lands in "other facts", so a new
predicate shows up without code changes.
"""

from __future__ import annotations

from collections.abc import Iterable

FAMILIES: dict[str, tuple[str, ...]] = {
    "funding": ("raised_funding", "invested_in", "valued_at", "acquired"),
    "customers": ("customer_of", "contract_with", "supplies", "partnered_with"),
    "regulatory": ("fined", "issued_order_to", "found_in_violation", "investigated",
                   "ruled_on", "appealed", "sued", "complaint_against", "jurisdiction_over",
                   "lobbied"),
    "people": ("founded", "leads", "employs"),
    "products": ("develops", "filed", "collects_data_from", "targets_market", "subsidiary_of"),
    "media": ("reported_on", "reported_to", "recognized_by"),
    "other": (),
}
ORDER = tuple(FAMILIES)
# Relations whose object is an amount (value) rather than an entity.
AMOUNT_VALUES = frozenset({"raised_funding", "valued_at"})
# What the task views read.
REGULATORY = FAMILIES["regulatory"][:-2]  # jurisdiction and lobbying are not actions
FUNDING = ("raised_funding", "invested_in")
CONTRACTS = ("customer_of", "contract_with", "supplies")


def family_of(predicate: str) -> str:
    for name, predicates in FAMILIES.items():
        if predicate in predicates:
            return name
    return "other"


def by_family(predicates: Iterable[str]) -> dict[str, list[str]]:
    """Predicates grouped by family, in the families' order (empty families left out)."""
    grouped: dict[str, list[str]] = {}
    for predicate in predicates:
        grouped.setdefault(family_of(predicate), []).append(predicate)
    return {name: grouped[name] for name in ORDER if name in grouped}
