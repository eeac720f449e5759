"""Pause Python's cyclic garbage collector while building large graphs.

Building a 100k-claim projection allocates millions of small dicts, lists and tuples that are
all kept; each allocation burst triggers a full collection that walks everything allocated so
far, for nothing. On the 100k-claim benchmark graph, pausing the collector made the projection
about 7x faster, the pair graph and PageRank about 3x, sampled betweenness about 2x (the
objects built hold no reference cycles to collect, and the pauses last seconds at most).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore it as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
