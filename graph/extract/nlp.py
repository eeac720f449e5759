"""The language pipelines, loaded once per process.

French uses spaCy's ``fr_core_news_md`` (sentences, part-of-speech for clause boundaries, and its
named-entity recogniser for new names). No English spaCy model can be installed from the package
index here, and the French model's recogniser tags English text badly (it swallows function words
such as "with" and "according to" into names), so English uses ``spacy.blank("en")`` (spaCy's own
English tokenizer rules) with a rule-based sentencizer; its new names come from the capitalised-
sequence rules in ``graph.extract.mentions`` and its known names from the gazetteer, as in French.
"""

from __future__ import annotations

import time
from functools import lru_cache

import spacy
from spacy.language import Language

MODELS = {"fr": "fr_core_news_md"}
LOAD_SECONDS: dict[str, float] = {}


class PipelineUnavailable(RuntimeError):
    """The spaCy model of a language is not installed."""


@lru_cache(maxsize=4)
def pipeline(language: str) -> Language:
    """The spaCy pipeline of ``language``; the load time is kept in ``LOAD_SECONDS``."""
    started = time.perf_counter()
    model = MODELS.get(language)
    if model is None:
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
    else:
        try:
            nlp = spacy.load(model, exclude=["lemmatizer", "parser"])  # POS and NER only
        except OSError as exc:
            raise PipelineUnavailable(
                f"the spaCy model {model} is not installed: pip install {model} "
                "(it is declared in pyproject.toml)") from exc
    LOAD_SECONDS[language] = time.perf_counter() - started
    return nlp


def has_ner(language: str) -> bool:
    return language in MODELS
