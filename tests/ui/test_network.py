"""Network explorer: the whole graph, filters that change it, the cap, the legend; and the
profile's neighbourhood component with escaped tooltips."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from tests.ui.conftest import open_page, texts


def graph_data(app: AppTest) -> dict[str, list[dict[str, object]]]:
    """The nodes and edges handed to the streamlit-agraph component."""
    component = next(c for c in app.get("component_instance")
                     if c.proto.component_name.endswith("agraph"))
    return json.loads(json.loads(component.proto.json_args)["data"])  # type: ignore[no-any-return]


def test_network_draws_every_linked_entity_with_a_legend_and_ranking(ui: Settings) -> None:
    app = open_page("network")
    data = graph_data(app)
    assert {n["id"] for n in data["nodes"]} == {
        "clearview-ai", "swedish-police", "cnil", "fbi", "hoan-ton-that", "ico", "imy",
        "peter-thiel"}
    assert len(data["edges"]) == 6  # the value claim (valued_at) is not an edge
    assert "8 entities and 6 claims match" in texts(app)
    legend = " ".join(str(h.proto.body) for h in app.get("html") if "cst-legend" in h.proto.body)
    for kind in ("data-protection authority (3)", "investor (1)", "law-enforcement agency (2)",
                 "person (1)", "vendor (1)"):
        assert kind in legend, (kind, legend)
    top = app.dataframe[0].value
    assert top["entity"].iloc[0] == "Clearview AI"  # the hub ranks first by PageRank
    sizes = {n["id"]: float(str(n["size"])) for n in data["nodes"]}
    assert sizes["clearview-ai"] == max(sizes.values())


def check_filters(app: AppTest) -> None:
    """Relation, country and type filters on the fixture graph (whole or bounded picture)."""
    app.sidebar.multiselect(key="net_relations").set_value(["fined"]).run()
    data = graph_data(app)
    assert {n["id"] for n in data["nodes"]} == {"ico", "clearview-ai", "imy", "swedish-police"}
    app.sidebar.multiselect(key="net_countries").set_value(["GB"]).run()
    assert {n["id"] for n in graph_data(app)["nodes"]} == {"ico", "clearview-ai"}
    app.sidebar.multiselect(key="net_countries").set_value([]).run()
    app.sidebar.multiselect(key="net_relations").set_value([]).run()
    app.sidebar.multiselect(key="net_types").set_value(["Agency"]).run()
    # Only claims between agencies (regulators are agencies): the Swedish fine.
    assert {n["id"] for n in graph_data(app)["nodes"]} == {"imy", "swedish-police"}


def test_filters_change_what_is_drawn(ui: Settings) -> None:
    check_filters(open_page("network"))


def test_date_range_and_sources_filters(ui: Settings) -> None:
    app = open_page("network")
    app.sidebar.checkbox(key="net_undated").uncheck().run()
    assert len(graph_data(app)["edges"]) == 4  # the dated claims
    app.sidebar.number_input(key="net_min_sources").set_value(2).run()
    assert "No claim matches these filters." in texts(app)


def test_large_graphs_are_capped_and_say_so(ui: Settings) -> None:
    app = open_page("network")
    app.sidebar.slider(key="net_max_nodes").set_value(20).run()
    assert len(graph_data(app)["nodes"]) == 8  # under the cap: nothing said
    assert not app.warning
    # The cap keeps the most central entities and tells how many were left out.
    from graph.analysis.projection import cached_project
    from graph.store import open_store
    from graph.ui.network import explorer_view
    view = explorer_view(cached_project(open_store(ui)), max_nodes=3)
    assert view.capped and len(view.nodes) == 3 and view.total_nodes == 8
    assert view.nodes[0].id == "clearview-ai"


def test_tooltips_of_hostile_names_are_escaped(hostile_ui: Settings) -> None:
    app = open_page("profile", id="evil-corp")
    nodes = graph_data(app)["nodes"]
    evil = next(n for n in nodes if n["id"] == "evil-corp")
    # The component writes titles into innerHTML: they must arrive as entities.
    assert str(evil["title"]).startswith("&lt;img src=x onerror=alert(1)&gt;")
    assert "<" not in "".join(str(n["title"]) for n in nodes)


def test_profile_neighbourhood_is_the_entities_its_claims_name(ui: Settings) -> None:
    data = graph_data(open_page("profile", id="clearview-ai"))
    assert {n["id"] for n in data["nodes"]} == {"clearview-ai", "fbi", "ico", "cnil", "peter-thiel",
                                                "hoan-ton-that"}
    assert len(data["edges"]) == 5  # the valuation is a value, not a neighbour
    colours = {n["id"]: n["color"] for n in data["nodes"]}
    assert colours["ico"] == colours["cnil"] != colours["fbi"]  # coloured by class
