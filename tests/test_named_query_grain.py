"""Every named query answers each fact once, and every backend gives the same answer.

Each ``graph/queries/*.rq`` (new ones included, with their default parameters) runs on the
bundled data on the three backends. A query fails when a row repeats, when a cookbook query's
declared grain key (graph/docs/cookbook.py) repeats, or when the backends' answers differ as
multisets. The one tolerance: the order of the items inside a GROUP_CONCAT, which SPARQL leaves
to the engine, so a cell is compared as the multiset of its items split on the separators the
query itself declares.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from graph.docs.cookbook import grain
from graph.named_queries import NamedQuery, named_queries
from graph.pipeline import publish, validate_ledger
from graph.rdf.iris import Iris
from graph.settings import Settings
from graph.store import Store, open_store
from tests.conftest import DATA
from tests.oxigraph_server import oxigraph_server

BACKENDS = ("oxigraph", "memory", "remote")
QUERIES = sorted(named_queries())
_SEPARATOR = re.compile(r"""SEPARATOR\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", re.I)
_AS = re.compile(r"\s*AS\s*\?(\w+)", re.I)

Answer = Counter[tuple[object, ...]]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    """The bundled data built once per backend (the remote one is a real Oxigraph server)."""
    root = tmp_path_factory.mktemp("grain")
    validation = validate_ledger(DATA, Settings(store_dir=root / "scratch"), shacl=False)  # type: ignore[call-arg]
    assert validation.output is not None, "data/ does not validate"
    with oxigraph_server(root / "server") as url:
        made: dict[str, Store] = {}
        for backend in BACKENDS:
            settings = Settings(  # type: ignore[call-arg]
                backend=backend, store_dir=root / backend, remote_query_url=f"{url}/query",
                remote_update_url=f"{url}/update", remote_store_url=f"{url}/store")
            publish(validation.output, settings)
            made[backend] = open_store(settings)
        yield made


def separators(query: NamedQuery) -> dict[str, str]:
    """The separator of each GROUP_CONCAT column (a space unless the query says otherwise)."""
    found = {}
    text = query.text
    for start in (m.end() for m in re.finditer(r"GROUP_CONCAT\s*\(", text, re.I)):
        depth, end = 1, start
        while end < len(text) and depth:  # to the closing parenthesis (no parentheses in strings)
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        named = _AS.match(text, end)
        if named:
            sep = _SEPARATOR.search(text, start, end)
            found[named.group(1)] = (sep.group(1)[1:-1].encode().decode("unicode_escape")
                                     if sep else " ")
    return found


def cell(value: str | None, sep: str | None) -> object:
    """A value as compared across backends: a GROUP_CONCAT list ignores its items' order."""
    if value is None or not sep:
        return value
    return tuple(sorted(value.split(sep)))


def answer(store: Store, query: NamedQuery) -> tuple[list[str], Answer]:
    text = query.render(Iris())
    form = re.sub(r"(?im)^\s*(#.*|PREFIX\s.*)$", "", text).split(None, 1)[0].upper()
    if form in ("CONSTRUCT", "DESCRIBE"):
        triples = ox.parse(store.graph(text).encode(), format=ox.RdfFormat.N_TRIPLES)
        return ["triple"], Counter((str(q.triple),) for q in triples)
    table = store.select(text)
    seps = separators(query)
    return table.columns, Counter(tuple(cell(row.get(c), seps.get(c)) for c in table.columns)
                                  for row in table.rows)


@pytest.mark.parametrize("name", QUERIES)
def test_named_query_answers_each_fact_once_on_every_backend(name: str,
                                                             stores: dict[str, Store]) -> None:
    query = named_queries()[name]
    answers = {backend: answer(store, query) for backend, store in stores.items()}
    columns, reference = answers["oxigraph"]
    repeated = {row: n for row, n in reference.items() if n > 1}
    assert not repeated, f"{name}: {sum(repeated.values()) - len(repeated)} repeated rows, " \
                         f"e.g. {next(iter(repeated))}"
    kind = grain(query)
    if kind is not None and kind.key and set(kind.key) <= set(columns):
        keys = Counter(tuple(row[columns.index(c)] for c in kind.key)
                       for row in reference.elements())
        twice = [k for k, n in keys.items() if n > 1]
        assert not twice, f"{name}: the grain is '{kind.text}' but {kind.key} repeats: {twice[:3]}"
    for backend, (other_columns, rows) in answers.items():
        assert other_columns == columns, f"{name}: columns differ on {backend}"
        assert rows == reference, (
            f"{name}: {backend} and oxigraph disagree; only on {backend}: "
            f"{list((rows - reference).elements())[:2]}, only on oxigraph: "
            f"{list((reference - rows).elements())[:2]}")


def test_every_cookbook_query_documents_its_grain() -> None:
    missing = [n for n in QUERIES if n.startswith("cookbook-") and grain(named_queries()[n]) is None]
    assert not missing, ("document the grain of these cookbook queries (a `# grain:` header "
                         f"or graph/docs/cookbook.py GRAINS): {missing}")


def test_separators_are_read_from_the_query() -> None:
    query = NamedQuery("x", "x", "", 'SELECT (GROUP_CONCAT(STR(?a); SEPARATOR=", ") AS ?b) '
                                     '(GROUP_CONCAT(?c) AS ?d) {}')
    assert separators(query) == {"b": ", ", "d": " "}
    assert cell("b, a", ", ") == cell("a, b", ", ")
    assert cell("b, a", None) != cell("a, b", None)
