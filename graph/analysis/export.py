"""The projection written for the tools analysts already use: Gephi, Cytoscape, spreadsheets.

GraphML and GEXF (networkx's writers) only hold scalar attributes, so list attributes (types,
aliases, sources) are joined with ``LIST_SEPARATOR`` and missing values are left out; CSV gets
the same flattening. Cytoscape JSON keeps lists as lists. Every format keeps the claim id of
each edge, the entity labels in English and French, the types and the source counts.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analysis.gcpause import paused_gc

LIST_SEPARATOR = "|"
FORMATS = ("graphml", "gexf", "csv", "cytoscape")
# Leading columns of the CSV files; any other attribute follows in alphabetical order.
NODE_COLUMNS = ["id", "label", "label_en", "label_fr", "types"]
EDGE_COLUMNS = ["source", "target", "claim", "predicate", "source_count", "sources"]


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (lists joined, None dropped)."""
    flat = nx.MultiDiGraph()
    flat.graph.update({k: _flat(v) for k, v in graph.graph.items() if v is not None})
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: _flat(v) for k, v in attrs.items() if v is not None})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **{k: _flat(x) for k, x in attrs.items() if x is not None})
    return flat


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML (Gephi, yEd, igraph); edge ids are the claim ids."""
    nx.write_graphml(flatten(graph), str(path), named_key_ids=True)


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 (Gephi's own format); edge ids are the claim ids."""
    flat = flatten(graph)
    for _u, _v, key, attrs in flat.edges(keys=True, data=True):
        attrs["id"] = key  # GEXF needs unique edge ids; ours are the claim ids
    nx.write_gexf(flat, str(path))


def _columns(rows: list[dict[str, Any]], leading: list[str]) -> list[str]:
    seen = {k for row in rows for k in row}
    return [c for c in leading if c in seen] + sorted(seen - set(leading))


def write_csv(graph: nx.MultiDiGraph, nodes_path: Path, edges_path: Path) -> None:
    """Two CSV files: one row per entity, one row per claim (lists joined with ``|``)."""
    flat = flatten(graph)
    nodes = [{"id": n, **a} for n, a in flat.nodes(data=True)]
    edges = [{"source": u, "target": v, "claim": k, **a}
             for u, v, k, a in flat.edges(keys=True, data=True)]
    for path, rows, leading in ((nodes_path, nodes, NODE_COLUMNS), (edges_path, edges, EDGE_COLUMNS)):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=_columns(rows, leading) or leading)
            writer.writeheader()
            writer.writerows(rows)


def cytoscape(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape.js / Cytoscape desktop JSON (``elements`` with ``data``); lists stay lists."""
    data: dict[str, Any] = nx.cytoscape_data(graph, name="label")
    for edge in data["elements"]["edges"]:
        edge["data"]["id"] = edge["data"]["key"]
    return data


def write_cytoscape(graph: nx.MultiDiGraph, path: Path) -> None:
    path.write_text(json.dumps(cytoscape(graph), ensure_ascii=False, indent=1), encoding="utf-8")


def write(graph: nx.MultiDiGraph, fmt: str, path: Path) -> list[Path]:
    """Write ``graph`` as ``fmt`` (one of FORMATS); returns the files written.

    For ``csv``, ``path`` is a folder (created) receiving ``nodes.csv`` and ``edges.csv``.
    """
    with paused_gc():
        return _write(graph, fmt, path)


def _write(graph: nx.MultiDiGraph, fmt: str, path: Path) -> list[Path]:
    if fmt == "graphml":
        write_graphml(graph, path)
    elif fmt == "gexf":
        write_gexf(graph, path)
    elif fmt == "cytoscape":
        write_cytoscape(graph, path)
    elif fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        write_csv(graph, path / "nodes.csv", path / "edges.csv")
        return [path / "nodes.csv", path / "edges.csv"]
    else:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return [path]
