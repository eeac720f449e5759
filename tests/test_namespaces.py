"""One namespace table, and packages that depend only downwards."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph import namespaces
from graph.namespaces import instance_prefixes, prefix_table
from graph.rdf.iris import Iris
from graph.vocabulary import ONTOLOGY_PATH, SHAPES_PATH

PACKAGE = Path(namespaces.__file__).parent
QUERY_FILES = sorted((PACKAGE / "queries").glob("*.rq"))
FACES = ("graph.cli", "graph.server", "graph.ui")
DECLARATION = re.compile(r"^\s*@?prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


@pytest.mark.parametrize("path", [ONTOLOGY_PATH, SHAPES_PATH, *QUERY_FILES], ids=lambda p: p.name)
def test_documents_declare_the_tables_prefixes(path: Path) -> None:
    """Turtle and SPARQL files must declare their prefixes; they agree with the table."""
    declared = dict(DECLARATION.findall(path.read_text(encoding="utf-8")))
    table = prefix_table()
    for prefix, iri in declared.items():
        assert table.get(prefix) == iri, f"{path.name}: {prefix}: <{iri}> is not in prefixes.ttl"


def test_no_module_spells_a_namespace() -> None:
    """Every namespace IRI is written once, in schema/prefixes.ttl."""
    spelled = []
    for module in PACKAGE.rglob("*.py"):
        if module.name == "namespaces.py" and module.parent == PACKAGE:
            continue
        text = module.read_text(encoding="utf-8")
        spelled += [f"{module.relative_to(PACKAGE)}: {iri}" for iri in prefix_table().values()
                    if f'"{iri}' in text or f"'{iri}" in text]
    assert not spelled


def test_instance_prefixes_match_the_minted_iris() -> None:
    iris = Iris("https://example.org/base/")
    assert instance_prefixes(iris.base) == {
        "ent": iris.entity(""), "claim": iris.claim(""), "src": iris.source("")}
    assert iris.local_id(iris.source("x")) == ("source", "x")


def test_compact_prefers_the_longest_namespace() -> None:
    table = {"a": "http://x/", "b": "http://x/y/"}
    assert namespaces.compact("http://x/y/z", table) == "b:z"
    assert namespaces.compact("http://x/z", table) == "a:z"
    assert namespaces.compact("http://other/z", table) == "http://other/z"


def _imports(module: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("face", FACES)
def test_no_face_imports_another(face: str) -> None:
    """The CLI, the endpoint and the dashboard share graph.sparql, graph.docs … never each other.

    Only the CLI may start the others (``custodiet serve``/``up``), with imports local to
    those commands, so importing the CLI never loads a web framework."""
    others = [f for f in FACES if f != face]
    wrong = []
    for module in (PACKAGE.parent / face.replace(".", "/")).rglob("*.py"):
        imported = _imports(module, top_level_only=face == "graph.cli")
        wrong += [f"{module.name}: {name}" for name in imported
                  if any(name == o or name.startswith(o + ".") for o in others)]
    assert not wrong


def test_shared_layers_import_no_face() -> None:
    shared = ["sparql", "docs", "analysis", "rdf", "named_queries.py", "namespaces.py", "vocabulary.py"]
    wrong = []
    for name in shared:
        path = PACKAGE / name
        for module in [path] if path.is_file() else path.rglob("*.py"):
            wrong += [f"{module.relative_to(PACKAGE)}: {imported}"
                      for imported in _imports(module, top_level_only=False)
                      if any(imported == f or imported.startswith(f + ".") for f in FACES)]
    assert not wrong
