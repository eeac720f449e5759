"""Entity profile: identity, claims by relation in both directions with their evidence, the
entity's timeline and neighbourhood, and downloads (subgraph and cited dossier)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name, status_colors, timeline_figure
from graph.ui.dossier import dossier_markdown
from graph.ui.downloads import RDF_FORMATS, claims_csv, subgraph
from graph.ui.escape import html_text, md, md_link
from graph.ui.labels import class_label, predicate_label
from graph.ui.model import ClaimGroup, ClaimView, Profile, Reference
from graph.ui.network import neighbourhood_view
from graph.ui.views.common import entity_link, lang, need_build, open_profile, search_box, tr
from graph.ui.views.graphview import draw

CLAIMS_SHOWN = 5  # per relation before "show all": a hub's hundreds of claims stay readable
NEIGHBOURS_SHOWN = 40  # the most linked neighbours; a hub's full neighbourhood is a hairball
STATUS_COLOURS = {"final": "red", "upheld": "red", "proposed": "orange", "appealed": "orange",
                  "overturned": "gray", "withdrawn": "gray"}


def _reference(ref: Reference) -> str:
    parts = [md_link(ref.title, ref.url)]
    if ref.publisher_label:
        parts.append(md(ref.publisher_label))
    if ref.issued:
        parts.append(md(ref.issued))
    line = " — ".join(parts)
    if ref.locator:
        line += f" · *{md(ref.locator)}*"
    return f"- {line}"


def _claim(claim: ClaimView) -> None:
    """One claim: the other end (a profile link) or the value, badges, qualifiers, sources.

    Few elements per claim (a hub has hundreds): one row of link and badges, one Markdown block.
    """
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            if claim.other:
                entity_link(claim.other, claim.other_label)
            else:
                st.markdown(f"**{md(claim.value)}**")
            if claim.status:
                st.badge(md(claim.status), color=STATUS_COLOURS.get(claim.status_notation, "blue"))  # type: ignore[arg-type]
            if claim.single_source:
                st.badge(md(tr("badge.single_source")), icon=":material/warning:", color="orange",
                         help=tr("badge.single_source_help"))
            if claim.disputed:
                st.badge(md(tr("badge.disputed")), icon=":material/gavel:", color="red",
                         help=tr("badge.disputed_help",
                                 claims=", ".join(claim.disputes + claim.disputed_by)))
        lines = []
        if claim.qualifiers(status=False):
            lines.append(md(" · ".join(claim.qualifiers(status=False))))
        if claim.note:
            lines.append(f"*{md(claim.note)}*")
        lines.append(f"**{md(tr('profile.sources', n=len(claim.references)))}**")
        body = "\n\n".join(lines) + "\n\n" + "\n".join(_reference(r) for r in claim.references)
        st.markdown(body)


def _group(group: ClaimGroup) -> None:
    st.subheader(f"{md(group.title)} ({len(group.claims)})")
    claims = group.claims
    if len(claims) > CLAIMS_SHOWN and not st.toggle(
            tr("profile.show_all", n=len(claims)), key=f"all-{group.direction}-{group.predicate}"):
        claims = claims[:CLAIMS_SHOWN]
    for claim in claims:
        _claim(claim)


def _identity(profile: Profile) -> None:
    st.title(md(profile.label))
    badges = st.container(horizontal=True)
    with badges:
        for name in profile.types:
            st.badge(md(class_label(name, lang())), color="violet")
        if profile.country:
            st.badge(md(f"{country_name(profile.country, lang())} ({profile.country})"),
                     icon=":material/public:", color="gray")
    facts = []
    others = [n for lg, n in sorted(profile.names.items()) if n != profile.label]
    if others:
        facts.append(f"{md(tr('profile.names'))}: {md(' / '.join(others))}")
    if profile.aliases:
        facts.append(f"{md(tr('profile.aliases'))}: {md(', '.join(profile.aliases))}")
    if profile.founded:
        facts.append(f"{md(tr('profile.founded'))}: {md(profile.founded)}")
    if profile.wikidata:
        facts.append(md_link(f"Wikidata {profile.wikidata}",
                             f"https://www.wikidata.org/wiki/{profile.wikidata}"))
    facts += [md(i) for i in profile.identifiers]
    facts += [md_link(u, u) for u in profile.urls]
    if facts:
        st.markdown(" · ".join(facts))
    if profile.description:
        st.markdown(md(profile.description))


def _timeline(profile: Profile) -> None:
    dated = [c for c in profile.claims if c.sort_date]
    if not dated:
        st.caption(tr("profile.no_dates"))
        return
    none = tr("timeline.no_status")
    frame = pd.DataFrame({
        "when": pd.to_datetime([c.sort_date for c in dated]),
        "relation": [predicate_label(c.predicate, lang(), inverse=c.direction == "in")
                     for c in dated],
        "status": [c.status or none for c in dated],
        "hover": [html_text(" ".join(profile.statement(c)) + " — " + " · ".join(c.qualifiers()))
                  for c in dated],
    }).sort_values("when")
    labels = {c.status_notation: c.status for c in dated if c.status_notation}
    st.plotly_chart(timeline_figure(frame, colors=status_colors(labels, none), height=300),
                    key="profile_timeline")


def _downloads(profile: Profile) -> None:
    info = need_build()
    store, iris = data.store(), data.iris()
    columns = st.columns(2)
    for index, (fmt, (mime, ext)) in enumerate(RDF_FORMATS.items()):
        columns[index % 2].download_button(
            tr(f"profile.download_{fmt}"), data=partial(subgraph, store, profile.id, fmt, iris),
            file_name=f"{profile.id}.{ext}", mime=mime, icon=":material/download:",
            on_click="ignore", key=f"dl-{fmt}")
    columns[0].download_button(tr("profile.download_csv"), data=claims_csv(profile),
                               file_name=f"{profile.id}-claims.csv", mime="text/csv",
                               icon=":material/table:", on_click="ignore", key="dl-csv")
    columns[1].download_button(
        tr("profile.download_dossier"),
        data=dossier_markdown(profile, info.build_id, info.built_at).encode("utf-8"),
        file_name=f"{profile.id}-dossier.md", mime="text/markdown",
        icon=":material/description:", on_click="ignore", key="dl-dossier")


def _network(profile: Profile) -> None:
    view = neighbourhood_view(profile, max_nodes=NEIGHBOURS_SHOWN)
    if len(view.nodes) < 2:
        st.caption(tr("profile.no_network"))
        return
    clicked = draw(view, height=420)
    if clicked and clicked != profile.id:
        open_profile(clicked)
    if view.capped:
        st.caption(tr("profile.network_capped", shown=len(view.nodes) - 1,
                                   total=view.total_nodes - 1))
    st.caption(tr("profile.network_help"))


def render() -> None:
    need_build()
    entity_id = st.query_params.get("id")
    if not entity_id:
        st.title(tr("profile.title"))
        search_box("profile_search", label_key="profile.search_label")
        return
    profile = data.profile(entity_id, lang())
    if profile is None:
        st.title(tr("profile.title"))
        st.error(tr("profile.not_found", id=md(entity_id)))
        search_box("profile_search", label_key="profile.search_label")
        return
    _identity(profile)
    network_col, side_col = st.columns([3, 2], gap="large")
    with network_col:
        st.subheader(tr("profile.network"))
        _network(profile)
    with side_col:
        st.subheader(tr("profile.timeline"))
        _timeline(profile)
        st.subheader(tr("profile.downloads"))
        _downloads(profile)
    st.header(tr("profile.claims", n=len(profile.claims)))
    if not profile.claims:
        st.info(tr("profile.no_claims"))
    for group in profile.groups():
        _group(group)
