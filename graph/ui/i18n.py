"""User-interface strings in English and French, read from ``strings.yaml``.

Only the dashboard's own words live there; names of entities, classes, predicates and statuses
come from the data and the ontology (``graph.vocabulary``), so they are translated where they
are curated.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

STRINGS_PATH = Path(__file__).with_name("strings.yaml")
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """Flat ``section.key -> {lang: text}`` table from the nested YAML file."""
    data = YAML(typ="safe").load(STRINGS_PATH.read_text(encoding="utf-8"))
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict) and set(value) <= set(LANGUAGES) and value:
                flat[name] = {lang: str(text) for lang, text in value.items()}
            elif isinstance(value, dict):
                walk(name, value)
            else:
                raise ValueError(f"{STRINGS_PATH.name}: {name} needs en/fr texts")

    walk("", data)
    return flat


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` (English if missing), with ``{name}`` fields filled."""
    texts = strings().get(key)
    if texts is None:
        raise KeyError(f"no UI string {key!r} in {STRINGS_PATH.name}")
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
