"""Entity profile: identity, claims by relation in both directions with their evidence, the
entity's timeline and neighbourhood, and downloads (subgraph and cited dossier).

A hub (more than ``data.HUB_CLAIMS`` claims, in a build with derived tables) shows its counts
and key figures over every claim, the newest ``data.PER_RELATION`` claims of each relation, and
pages through one relation at a time (keyset pages of ``entity-claims``); references are read
only for the cards shown and the dossier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import country_name, status_colors, timeline_figure
from graph.ui.dossier import dossier_html, dossier_markdown
from graph.ui.downloads import RDF_FORMATS, claims_csv, subgraph
from graph.ui.escape import html_text, md, md_link
from graph.ui.families import ORDER as FAMILY_ORDER
from graph.ui.families import REGULATORY, family_of
from graph.ui.labels import (
    amount_number,
    class_label,
    format_compact,
    predicate_label,
    status_label,
)
from graph.ui.model import ClaimView, Profile, Reference
from graph.ui.network import neighbourhood_view
from graph.ui.tables import profile_claims
from graph.ui.views.common import (
    CURRENT_ENTITY,
    entity_link,
    lang,
    need_build,
    open_profile,
    pager,
    pager_buttons,
    search_box,
    tr,
)
from graph.ui.views.graphview import draw, legend_html

CARDS_MAX = 60  # cards drawn per section on demand; the table holds every claim
TABLE_ROWS = 12  # rows visible before a section's table scrolls
SECTION_MAX = 1_000  # rows a section's table holds (a hub of a large graph has thousands)
ANCHOR_PREFIX = "s-"
NEIGHBOURS_SHOWN = 40  # the most linked neighbours; a hub's full neighbourhood is a hairball
STATUS_COLOURS = {"final": "red", "upheld": "red", "proposed": "orange", "appealed": "orange",
                  "overturned": "gray", "withdrawn": "gray"}


def reference_line(ref: Reference, titles: dict[str, str] | None = None) -> str:
    """A source as one Markdown list item: title (link), host, publisher, date, locator,
    stance and 'copy of …'."""
    parts = [md_link(ref.title, ref.url)]
    if ref.host:
        parts.append(f"`{ref.host.replace('`', '')}`")
    if ref.publisher_label:
        parts.append(md(ref.publisher_label))
    if ref.issued:
        parts.append(md(ref.issued))
    line = " — ".join(parts)
    if ref.locator:
        line += f" · *{md(ref.locator)}*"
    if ref.stance:
        line += f" · **{md(tr(f'stance.{ref.stance}') if ref.stance in STANCES else ref.stance)}**"
    if ref.copy_of:
        original = (titles or {}).get(ref.copy_of, ref.copy_of)
        line += " · " + md(tr("sources.copy_of", title=original))
    return f"- {line}"


STANCES = ("supports", "denies", "qualifies")


def claim_card(claim: ClaimView, *, titles: dict[str, str] | None = None) -> None:
    """One claim: the other end (a profile link) or the value, badges, qualifiers, sources.

    Few elements per claim (a hub has hundreds): one row of link and badges, one Markdown block.
    """
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{md(predicate_label(claim.predicate, lang(), inverse=claim.direction == 'in'))}**")
            if claim.other:
                entity_link(claim.other, claim.other_label)
            else:
                st.markdown(f"**{md(claim.value)}**")
            if claim.other_country:
                st.badge(md(country_name(claim.other_country, lang())), icon=":material/public:",
                         color="gray")
            status = status_label(claim.case_status, lang()) or claim.status
            if status:
                st.badge(md(status), color=STATUS_COLOURS.get(  # type: ignore[arg-type]
                    claim.case_status or claim.status_notation, "blue"))
            if claim.grade:
                st.badge(md(tr("badge.grade", grade=claim.grade)), color="violet",
                         help=claim.grade_label or tr("col.grade_help"))
            if claim.single_source:
                st.badge(md(tr("badge.single_source")), icon=":material/warning:", color="orange",
                         help=tr("badge.single_source_help"))
            if claim.disputed:
                st.badge(md(tr("badge.disputed")), icon=":material/gavel:", color="red",
                         help=tr("badge.disputed_help", claims=", ".join(
                             claim.disputes + claim.disputed_by + claim.contradicts)))
            st.page_link("pages/claim.py", label=tr("claim.open"), query_params={"id": claim.claim},
                         icon=":material/open_in_new:")
        lines = []
        if claim.qualifiers(status=False):
            lines.append(md(" · ".join(claim.qualifiers(status=False))))
        if claim.note:
            lines.append(f"*{md(claim.note)}*")
        lines.append(f"**{md(tr('profile.sources', n=len(claim.references)))}**")
        body = "\n\n".join(lines) + "\n\n" + "\n".join(reference_line(r, titles)
                                                        for r in claim.references)
        st.markdown(body)


_claim = claim_card


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
        data=partial(_dossier, dossier_markdown, profile, info.build_id, info.built_at),
        file_name=f"{profile.id}-dossier.md", mime="text/markdown",
        icon=":material/description:", on_click="ignore", key="dl-dossier")
    columns[0].download_button(
        tr("profile.download_dossier_html"),
        data=partial(_dossier, dossier_html, profile, info.build_id, info.built_at),
        file_name=f"{profile.id}-dossier.html", mime="text/html",
        icon=":material/print:", on_click="ignore", key="dl-dossier-html")


def _dossier(render: Callable[..., str], profile: Profile, build_id: str, built_at: str) -> bytes:
    """A dossier built when it is downloaded, not on every page run: the facts of the sources
    it cites (a hub's references too) are read then, not the whole source list every time."""
    if profile.partial:
        found = data.references([c.claim for c in profile.claims], lang())
        profile = replace(profile, claims=[replace(c, references=found.get(c.claim, []))
                                           for c in profile.claims])
    cited = sorted({i for c in profile.claims for r in c.references
                    for i in (r.source, r.copy_of) if i})
    return render(profile, build_id, built_at, data.source_facts(cited, lang())).encode("utf-8")


def _network(profile: Profile) -> None:
    view = neighbourhood_view(profile, max_nodes=NEIGHBOURS_SHOWN)
    if len(view.nodes) < 2:
        st.caption(tr("profile.no_network"))
        return
    clicked = draw(view, height=460)
    legend_html(view)
    if clicked and clicked != profile.id:
        open_profile(clicked)
    if view.capped:
        st.caption(tr("profile.network_capped", shown=len(view.nodes) - 1,
                                   total=view.total_nodes - 1))
    st.caption(tr("profile.network_help"))


def _figures(profile: Profile) -> None:
    """Key figures: claims, sources, regulatory actions, fines, funding, customers."""
    if profile.partial:
        hub = data.hub_figures(profile.id)
        _show_figures(hub.claims, hub.sources, hub.actions, _sums(hub.fines),
                      _sums(hub.raised), hub.customers)
        return
    family = {c.claim: family_of(c.predicate) for c in profile.claims}
    sources = {r.source for c in profile.claims for r in c.references}
    actions = [c for c in profile.claims if family[c.claim] == "regulatory"
               and c.predicate in REGULATORY and c.direction == "in"]
    fines = _totals(c for c in profile.claims if c.predicate == "fined" and c.direction == "in")
    raised = _totals(c for c in profile.claims
                     if c.predicate == "raised_funding" and c.direction == "out")
    customers = {c.other for c in profile.claims if family[c.claim] == "customers" and c.other}
    _show_figures(len(profile.claims), len(sources), len(actions), fines, raised, len(customers))


def _show_figures(claims: int, sources: int, actions: int, fines: str, raised: str,
                  customers: int) -> None:
    figures = [(tr("profile.fig_claims"), str(claims)),
               (tr("profile.fig_sources"), str(sources))]
    if actions:
        figures.append((tr("profile.fig_actions"), str(actions)))
    if fines:
        figures.append((tr("profile.fig_fines"), fines))
    if raised:
        figures.append((tr("profile.fig_raised"), raised))
    if customers:
        figures.append((tr("profile.fig_customers"), str(customers)))
    for column, (name, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(name, value, help=value)


def _totals(claims: Iterable[ClaimView]) -> str:
    """Amounts summed per currency ('20,000,000 EUR + 7,552,000 GBP')."""
    sums: dict[str, float] = {}
    for claim in claims:
        number = amount_number(claim.amount_value)
        if number is not None:
            sums[claim.currency] = sums.get(claim.currency, 0.0) + number
    return _sums(sums)


def _sums(sums: dict[str, float]) -> str:
    return " + ".join(format_compact(v, c, lang()) for c, v in sorted(sums.items()))


def _family_counts(profile: Profile, sections: dict[str, list[ClaimView]]) -> dict[str, int]:
    """Claims per family: all of them, also for a hub whose sections hold only some."""
    if not profile.partial:
        return {name: len(claims) for name, claims in sections.items()}
    counts: dict[str, int] = {}
    for (_, predicate), n in profile.counts.items():
        counts[family_of(predicate)] = counts.get(family_of(predicate), 0) + n
    return counts


def _index(sections: dict[str, list[ClaimView]], counts: dict[str, int]) -> None:
    """The section index, kept in view while scrolling (a sticky container)."""
    # Streamlit wraps the keyed container in a div of its own height: that wrapper is what
    # sticks (position:sticky only works within the parent's box).
    st.html("<style>div:has(> .st-key-profile_index){position:sticky;top:3.75rem;z-index:990;"
            "background:var(--st-background-color,#fff);padding:.3rem 0;"
            "border-bottom:1px solid rgba(49,51,63,.2)}</style>")
    links = [f"[{md(tr(f'family.{name}'))} ({counts[name]})](#{ANCHOR_PREFIX}{name})"
             for name in sections]
    links += [f"[{md(tr('profile.network'))}](#{ANCHOR_PREFIX}network)",
              f"[{md(tr('profile.downloads'))}](#{ANCHOR_PREFIX}downloads)"]
    with st.container(key="profile_index"):
        st.markdown(" · ".join(links))


TASK_PAGES = {"regulatory": "pages/regulatory.py", "funding": "pages/funding.py",
              "customers": "pages/contracts.py"}


def _section(profile: Profile, name: str, claims: list[ClaimView], total: int) -> None:
    """One family: a sortable table, the task view for the whole graph, cards on demand."""
    st.header(f"{md(tr(f'family.{name}'))} ({total})", anchor=f"{ANCHOR_PREFIX}{name}")
    shown = claims[:SECTION_MAX]  # newest first; the CSV download holds every claim
    _claims_table(shown, f"tbl-{name}")
    if len(claims) > SECTION_MAX:
        st.caption(tr("tasks.capped", n=SECTION_MAX))
    if profile.partial and total > len(claims):
        st.caption(tr("profile.hub_section", n=data.PER_RELATION, shown=len(claims), total=total))
        _relation_pager(profile, name)
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        cards = st.toggle(tr("profile.cards"), key=f"cards-{name}")
        if name in TASK_PAGES:
            st.page_link(TASK_PAGES[name], label=tr(f"profile.task_{name}"),
                         query_params={"entity": profile.id}, icon=":material/table_view:")
    if cards:
        chosen = claims[:CARDS_MAX]
        if profile.partial:
            found = data.references([c.claim for c in chosen], lang())
            chosen = [replace(c, references=found.get(c.claim, [])) for c in chosen]
        for claim in chosen:
            _claim(claim)
        if len(claims) > CARDS_MAX:
            st.caption(tr("profile.cards_capped", n=CARDS_MAX))


def _relation_pager(profile: Profile, name: str) -> None:
    """A hub's claims of one relation of the family, after those shown, a keyset page at a
    time (nothing is read until a relation is picked)."""
    relations = sorted((r for r in profile.cursors if family_of(r[1]) == name),
                       key=lambda r: -profile.counts[r])
    chosen = st.selectbox(tr("profile.hub_relation"), relations, key=f"rel-{name}", index=None,
                          placeholder=tr("profile.hub_relation"),
                          format_func=lambda r: f"{predicate_label(r[1], lang(), inverse=r[0] == 'in')}"
                                                f" ({profile.counts[r]})")
    if chosen is None:
        return
    direction, predicate = chosen
    key = f"relpage-{name}"
    cursor, index = pager(key, chosen)
    claims, next_cursor = data.relation_page(profile.id, direction, predicate,
                                             cursor or profile.cursors[chosen],
                                             data.PER_RELATION, lang())
    _claims_table(claims, f"tbl-{name}-page")
    pager_buttons(key, next_cursor, index=index, shown=len(claims), limit=data.PER_RELATION,
                  total=profile.counts[chosen], offset=data.PER_RELATION)


def _claims_table(shown: list[ClaimView], key: str) -> None:
    frame = profile_claims(shown, lang(), {"single": tr("badge.single_source"),
                                           "disputed": tr("badge.disputed")})
    frame = frame.drop(columns=[c for c in ("amount", "currency", "grade", "country", "detail")
                                if frame[c].isna().all() or (frame[c] == "").all()])
    config = {
        "date": st.column_config.TextColumn(tr("col.date")),
        "relation": st.column_config.TextColumn(tr("col.relation")),
        "counterparty": st.column_config.TextColumn(tr("col.counterparty"), width="medium"),
        "country": st.column_config.TextColumn(tr("col.country")),
        "amount": st.column_config.NumberColumn(tr("col.amount"), format="localized", width=110),
        "currency": st.column_config.TextColumn(tr("col.currency")),
        "status": st.column_config.TextColumn(tr("col.status")),
        "detail": st.column_config.TextColumn(tr("col.detail")),
        "sources": st.column_config.NumberColumn(tr("col.sources"), help=tr("col.sources_help")),
        "lines": st.column_config.NumberColumn(tr("col.lines"), help=tr("col.lines_help")),
        "grade": st.column_config.TextColumn(tr("col.grade"), help=tr("col.grade_help")),
        "flags": st.column_config.TextColumn(tr("col.flags")),
        "claim_page": st.column_config.LinkColumn(tr("col.claim"), display_text=tr("col.open")),
        "profile": st.column_config.LinkColumn(tr("col.profile"), display_text=tr("col.open")),
    }
    height = min(TABLE_ROWS, len(frame)) * 35 + 38
    st.dataframe(frame, hide_index=True, key=key, height=height,
                 column_config={k: v for k, v in config.items() if k in frame.columns})


def render() -> None:
    need_build()
    entity_id = st.query_params.get("id")
    if not entity_id:
        st.title(tr("profile.title"))
        search_box("profile_search", label_key="profile.search_label")
        return
    profile = data.profile_page(entity_id, lang())
    if profile is None:
        st.title(tr("profile.title"))
        st.error(tr("profile.not_found", id=md(entity_id)))
        search_box("profile_search", label_key="profile.search_label")
        return
    st.session_state[CURRENT_ENTITY] = profile.id
    _identity(profile)
    _figures(profile)
    sections: dict[str, list[ClaimView]] = {}
    for claim in profile.claims:
        sections.setdefault(family_of(claim.predicate), []).append(claim)
    sections = {name: sections[name] for name in FAMILY_ORDER if name in sections}
    counts = _family_counts(profile, sections)
    _index(sections, counts)
    if not profile.claims:
        st.info(tr("profile.no_claims"))
    if profile.partial:
        st.info(tr("profile.hub_shown", total=profile.claim_count, n=data.PER_RELATION))
    for name, claims in sections.items():
        _section(profile, name, claims, counts[name])
    network_col, side_col = st.columns([3, 2], gap="large")
    with network_col:
        st.header(tr("profile.network"), anchor=f"{ANCHOR_PREFIX}network")
        _network(profile)
    with side_col:
        st.header(tr("profile.timeline"), anchor=False)
        _timeline(profile)
    st.header(tr("profile.downloads"), anchor=f"{ANCHOR_PREFIX}downloads")
    _downloads(profile)
    with st.sidebar:
        st.divider()
        search_box("profile_search", label_key="profile.search_label")
