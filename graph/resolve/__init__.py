"""Entity resolution: normalised names, blocking, fuzzy scores, and reversible decisions.

Judgements are data (``data/resolution/decisions.jsonl``, one line per decision, never
rewritten): the merged view is derived from them, so undoing a decision is appending another.
"""

from graph.resolve.decisions import Decision, DecisionLog, canonical_map
from graph.resolve.match import Candidate, EntityInfo, Matcher
from graph.resolve.normalize import normalize, variants

__all__ = ["Candidate", "Decision", "DecisionLog", "EntityInfo", "Matcher", "canonical_map",
           "normalize", "variants"]
