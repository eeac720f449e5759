"""The package's layering, written once here, and checked on every import of every module.

A module may import its own layer's packages or lower ones, never a higher one, and packages
must not import each other in a cycle. Imports inside functions count too: a lazy import is
still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent / "graph"

# Lowest first. Each set is one layer; faces (the last) may not import one another.
LAYERS: list[set[str]] = [
    {"settings", "diagnostics", "vocabulary", "namespaces"},  # schema and vocabulary as data
    {"ledger"},  # readers + the one validator
    {"evidence"},  # what the evidence is worth: lines, grades, lifecycles, contradictions, time
    {"rdf"},  # records -> statements
    {"store"},  # one interface, three backends
    {"search"},  # the name index, a sink of the build and a reader of the store
    {"derived"},  # per-build DuckDB tables (counts, timeline, sources, edges), a sink of the build
    {"pipeline"},  # reader(s) -> validator -> sinks -> replace_file
    {"extract"},  # article -> proposed claims -> review file -> ledger (validated by the pipeline)
    {"importers", "resolve"},  # tables, FtM, Wikidata -> ledger records; entity resolution
    {"sparql", "named_queries"},  # guarded query execution, named .rq queries
    {"analysis"},
    {"docs"},  # generated references
    {"cli", "server", "ui"},  # the faces
]
FACES = LAYERS[-1]
# The one sanctioned face-to-face edge: `custodiet serve` runs the endpoint in its own process.
ENTRY_POINTS = {("cli", "server")}


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "graph" and len(parts) > 1 else None


def _imports() -> dict[str, set[tuple[str, str]]]:
    """package -> {(imported package, 'file:line')} for every graph.* import in the tree."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        own = rel.parts[0].removesuffix(".py")
        if own in {"__init__", "__main__"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
                     else [])
            for name in names:
                target = _package(name)
                if target and target != own:
                    found[own].add((target, f"graph/{rel}:{node.lineno}"))
    return found


def _layer(package: str) -> int:
    for index, members in enumerate(LAYERS):
        if package in members:
            return index
    raise AssertionError(f"graph.{package} is in no layer: add it to LAYERS in {__file__}")


def test_every_package_has_a_layer() -> None:
    packages = {p.name.removesuffix(".py") for p in ROOT.iterdir()
                if (p.suffix == ".py" or (p / "__init__.py").exists())} - {"__init__", "__main__"}
    for package in packages:
        _layer(package)


def test_no_upward_or_sideways_face_import() -> None:
    wrong = []
    for own, targets in _imports().items():
        for target, where in targets:
            upward = _layer(target) > _layer(own)
            between_faces = own in FACES and target in FACES and (own, target) not in ENTRY_POINTS
            if upward or between_faces:
                wrong.append(f"{where}: graph.{own} imports graph.{target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_cycle_between_packages() -> None:
    graph = nx.DiGraph((own, target) for own, targets in _imports().items() for target, _ in targets)
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, cycles
