"""Results of whole-graph measures remembered per frozen graph.

``cached_project`` hands out frozen graphs, one per build and set of options, so a measure of
such a graph can never change: the dashboard re-running on each click then pays for betweenness
or Louvain once per build instead of once per click. Mutable graphs are never memoised (they
could change under the cache). Memoised results are shared: treat them as read-only.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import networkx as nx

P = ParamSpec("P")
R = TypeVar("R")


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_hashable(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def per_frozen_graph(func: Callable[P, R]) -> Callable[P, R]:
    """Memoise ``func(graph, *args, **kwargs)`` while ``graph`` is frozen and alive."""
    memo: weakref.WeakKeyDictionary[nx.Graph, dict[Any, Any]] = weakref.WeakKeyDictionary()
    lock = threading.Lock()

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        graph = args[0]
        if not (isinstance(graph, nx.Graph) and nx.is_frozen(graph)):
            return func(*args, **kwargs)
        key = (_hashable(args[1:]), _hashable(kwargs))
        with lock:
            known = memo.get(graph, {})
            if key in known:
                return known[key]  # type: ignore[no-any-return]
        result = func(*args, **kwargs)
        with lock:
            memo.setdefault(graph, {})[key] = result
        return result

    return wrapper
