"""Map: regulator and court actions, and agencies' use of surveillance technology, by country.

A claim is placed in the country of the entity that makes it (the regulator that fines, the
agency that signs the contract). Which classes count as "regulators and courts" or "agencies"
is asked of the ontology's class hierarchy, so a new subclass joins its layer by itself.

With the build's derived tables, the counts per country are one grouped read of the ``map``
table and a country's claims a keyset-paged listing (``country-claims``); the SPARQL path read
every entity's triples (2.6–6.3 s for the first render at 100k claims, 24 s at 1M).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.ui import data
from graph.ui.charts import alpha3, country_name
from graph.ui.escape import md
from graph.ui.labels import predicate_label
from graph.ui.map_chart import choropleth, country_ids
from graph.ui.tables import claims_display
from graph.ui.views.common import claims_table, lang, need_build, pager, pager_buttons, tr
from graph.vocabulary import load_vocabulary

# The roots of each layer's class subtree (resolved through the ontology at run time).
ACTION_ROOTS = {"Regulator", "Court"}
USE_ROOTS = {"Agency"}
LAYERS = ("actions", "use", "all")
PAGE_ROWS = 500  # a country's claims per page when reading the derived tables


def layer_classes(layer: str) -> set[str] | None:
    """The entity classes of a layer; None for every class."""
    vocab = load_vocabulary()
    actions = {c for c in vocab.entity_classes if vocab.ancestors(c) & ACTION_ROOTS}
    if layer == "actions":
        return actions
    if layer == "use":
        return {c for c in vocab.entity_classes if vocab.ancestors(c) & USE_ROOTS} - actions
    return None


def _rows(layer: str) -> pd.DataFrame:
    frame = data.named("ui-map").fillna("")
    frame["claims"] = frame["claims"].astype(int)
    classes = layer_classes(layer)
    if classes is not None:
        keep = frame["types"].map(lambda ts: bool(set(str(ts).split()) & classes))
        frame = frame[keep]
    return frame


def _country_claims(country: str, classes: set[str] | None, relations: list[str] | None,
                    rows: pd.DataFrame | None) -> None:
    """The claims the country's entities of the layer make (a page of them when derived)."""
    if rows is not None:
        claims = data.named("ui-country-claims", country=country, lang=lang()).fillna("")
        claims = claims[claims["subject"].isin(set(rows["subject"]))
                        & claims["predicate"].isin(set(rows["predicate"]))]
        claims_table(claims_display(claims, lang()), key="map_claims")
        return
    filters: dict[str, str | list[str] | None] = {
        "country": country, "predicate": relations,
        "types": sorted(classes) if classes is not None else None}
    matching = data.count("country-claims", **filters)
    cursor, index = pager("map_page", filters)
    page = data.listing("country-claims", after=cursor, limit=PAGE_ROWS,
                        columns=data.CLAIM_COLUMNS, **filters)
    claims_table(claims_display(data.claim_rows(page.rows, lang()), lang()), key="map_claims")
    pager_buttons("map_page", page.next, index=index, shown=len(page.rows), limit=PAGE_ROWS,
                  total=matching)


def render() -> None:
    st.title(tr("map.title"))
    st.caption(tr("map.intro"))
    need_build()
    layer = st.radio(tr("map.layer"), LAYERS, key="map_layer", horizontal=True,
                     format_func=lambda name: tr(f"map.layer_{name}"))
    derived = data.derived() is not None
    classes = layer_classes(str(layer))
    rows: pd.DataFrame | None = None
    if derived:
        relations = data.map_relations(classes)
    else:
        rows = _rows(str(layer))
        relations = list(rows["predicate"].unique())
    relations = sorted(relations, key=lambda p: predicate_label(p, lang()))
    chosen = st.multiselect(tr("network.relations"), relations, key="map_relations",
                            format_func=lambda p: predicate_label(p, lang()),
                            placeholder=tr("common.all"))
    if rows is None:
        by_country = data.map_counts(classes, list(chosen) or None)
    else:
        if chosen:
            rows = rows[rows["predicate"].isin(chosen)]
        by_country = (rows.groupby("country")
                      .agg(claims=("claims", "sum"), actors=("subject", "nunique"))
                      .reset_index().sort_values("claims", ascending=False))
    if by_country.empty:
        st.info(tr("map.empty"))
        return
    by_country["claims"] = by_country["claims"].astype(int)
    by_country["actors"] = by_country["actors"].astype(int)
    # Regions (ISO 3166-2 such as CA-QC) are shaded with their country; codes without a shape
    # ("EU", a country missing from the shapes) are listed under the map instead.
    by_country["iso3"] = by_country["country"].map(alpha3).where(lambda s: s.isin(country_ids()))
    by_country["country_name"] = by_country["country"].map(lambda c: country_name(c, lang()))
    mapped = (by_country[by_country["iso3"].notna()]
              .groupby("iso3", as_index=False).agg(claims=("claims", "sum"), country=("country", "first")))
    mapped["country_name"] = mapped["country"].map(lambda c: country_name(c, lang()))
    if not mapped.empty:
        st.vega_lite_chart(choropleth(mapped, name_label=tr("col.country"),
                                      value_label=tr("col.claims")),
                           key="map_chart", width="stretch")
        st.caption(tr("map.credit"))
    unmapped = by_country[by_country["iso3"].isna()]
    if not unmapped.empty:
        st.caption(tr("map.unmapped", codes=md(", ".join(unmapped["country"]))))
    st.dataframe(by_country[["country_name", "country", "claims", "actors"]], hide_index=True,
                 key="map_table", column_config={
                     "country_name": st.column_config.TextColumn(tr("col.country")),
                     "country": st.column_config.TextColumn(tr("map.code")),
                     "claims": st.column_config.NumberColumn(tr("col.claims")),
                     "actors": st.column_config.NumberColumn(tr("map.actors")),
                 })
    country = st.selectbox(tr("map.country"), list(by_country["country"]), key="map_country",
                           format_func=lambda c: f"{country_name(c, lang())} ({c})")
    if country:
        _country_claims(str(country), classes, list(chosen) or None, rows)
