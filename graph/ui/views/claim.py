"""One claim on its own page (``claim?id=CLAIM``): a stable URL to cite or share.

Like a LittleSis relationship page: the statement, its qualifiers, the assessed evidence
(independent lines, grade and why, known since), every source with its locator and stance,
the claims it disputes or contradicts, and the history of its case.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name
from graph.ui.escape import md
from graph.ui.families import family_of
from graph.ui.labels import format_date, predicate_label, status_label
from graph.ui.model import ClaimView, Profile
from graph.ui.tables import claim_page
from graph.ui.views.common import entity_link, lang, need_build, tr
from graph.ui.views.profile import claim_card, reference_line


def _find(claim_id: str) -> tuple[Profile, ClaimView] | None:
    """The claim as seen from its subject's profile (cached per build and language)."""
    details = data.claim_details([claim_id], lang())
    if details.empty or not details["subject"].iloc[0]:
        return None
    subject = str(details["subject"].iloc[0])
    # A hub's profile holds some of its claims (graph.ui.model.load_hub): the claim is then
    # read on its own from the derived tables, with its references.
    profile = data.profile_page(subject, lang())
    if profile is None:
        return None
    for claim in profile.claims:
        if claim.claim == claim_id and claim.direction == "out":
            if profile.partial:
                refs = data.references([claim_id], lang()).get(claim_id, [])
                return profile, replace(claim, references=refs)
            return profile, claim
    if profile.partial:
        found = data.hub_claim(subject, claim_id, lang())
        return (profile, found) if found is not None else None
    return None


def _history(profile: Profile, claim: ClaimView) -> list[ClaimView]:
    """The claims of the same case: the build's case id, else same counterpart and family."""
    if claim.case:
        same = [c for c in profile.claims if c.case == claim.case]
    else:
        same = [c for c in profile.claims if c.other == claim.other and c.other
                and family_of(c.predicate) == family_of(claim.predicate)]
    return sorted(same, key=lambda c: c.sort_date or "9999")


def render() -> None:
    need_build()
    claim_id = st.query_params.get("id")
    found = _find(str(claim_id)) if claim_id else None
    if found is None:
        st.title(tr("claim.title"))
        st.error(tr("claim.not_found", id=md(claim_id or "")))
        return
    profile, claim = found
    subject, verb, obj = profile.statement(claim)
    st.title(f"{md(subject)} — {md(verb)} — {md(obj)}")
    ends = st.container(horizontal=True)
    with ends:
        entity_link(profile.id, profile.label)
        if claim.other:
            entity_link(claim.other, claim.other_label)
    facts = {
        tr("col.relation"): predicate_label(claim.predicate, lang()),
        tr("col.date"): claim.when,
        tr("col.amount"): claim.amount or (claim.value if not claim.other else ""),
        tr("col.status"): status_label(claim.case_status, lang()) or claim.status,
        tr("col.kind"): claim.kind,
        tr("tasks.role"): claim.role,
        tr("col.country"): ", ".join(country_name(c, lang()) for c in
                                     (profile.country, claim.other_country) if c),
        tr("col.sources"): str(claim.source_count),
        tr("col.lines"): str(claim.lines),
        tr("col.grade"): " — ".join(x for x in (claim.grade, claim.grade_label) if x),
        tr("claim.reason"): claim.reason,
        tr("claim.known_since"): format_date(claim.known_since),
        tr("claim.case"): claim.case,
        tr("col.id"): claim.claim,
    }
    st.dataframe(pd.DataFrame({"field": list(facts), "value": list(facts.values())})
                 .query("value != ''"), hide_index=True, key="claim_facts",
                 column_config={"field": st.column_config.TextColumn(tr("claim.field")),
                                "value": st.column_config.TextColumn(tr("claim.value"),
                                                                     width="large")})
    if claim.note:
        st.markdown(f"*{md(claim.note)}*")
    cited = sorted({i for r in claim.references for i in (r.source, r.copy_of) if i})
    titles = {i: f.get("title", "") or i for i, f in data.source_facts(cited, lang()).items()}
    st.header(tr("profile.sources", n=len(claim.references)), anchor=False)
    st.markdown("\n".join(reference_line(r, titles) for r in claim.references)
                or md(tr("paths.no_sources")))
    linked = claim.disputes + claim.disputed_by + claim.contradicts
    if linked:
        st.header(tr("claim.disputes"), anchor=False)
        for other in dict.fromkeys(linked):
            st.page_link("pages/claim.py", label=md(other), query_params={"id": other},
                         icon=":material/gavel:")
    history = _history(profile, claim)
    if len(history) > 1:
        st.header(tr("claim.history"), anchor=False)
        st.dataframe(pd.DataFrame({
            "date": [c.when for c in history],
            "relation": [predicate_label(c.predicate, lang(), inverse=c.direction == "in")
                         for c in history],
            "other": [c.other_label or c.value for c in history],
            "status": [status_label(c.case_status, lang()) or c.status for c in history],
            "claim": [claim_page(c.claim) for c in history],
        }), hide_index=True, key="claim_history", column_config={
            "date": st.column_config.TextColumn(tr("col.date")),
            "relation": st.column_config.TextColumn(tr("col.relation")),
            "other": st.column_config.TextColumn(tr("col.counterparty")),
            "status": st.column_config.TextColumn(tr("col.status")),
            "claim": st.column_config.LinkColumn(tr("col.claim"), display_text=tr("col.open")),
        })
    with st.expander(tr("claim.card")):
        claim_card(claim, titles=titles)
