"""Names reduced to what identifies them: no accents, legal forms, articles or OCR slips.

"Clearview AI, Inc.", "Clearview AI Inc" and "Clearview Al Inc." (a lower-case L, as OCR and
typists produce it) all become ``clearview ai``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "plc", "corp", "corporation",
    "co", "company", "sa", "sas", "sasu", "sarl", "eurl", "sca", "gmbh", "ag", "kg",
    "ohg", "ug", "ev", "bv", "nv", "spa", "srl", "sl", "oy", "oyj", "ab", "as", "asa", "aps",
    "pty", "pte", "kft", "zrt", "sro", "doo", "spzoo", "kdor", "kdoer",
}
ARTICLES = {"the", "der", "die", "das", "le", "la", "les", "l", "el", "il", "lo", "de", "du",
            "des", "of", "for", "fur", "und", "and", "et", "y", "e", "den", "dem", "van", "von"}
# Tokens that OCR or a careless typist turns into another: "Al" for "AI", "0" for "O".
OCR_TOKENS = {"al": "ai", "a1": "ai", "0": "o"}
_OCR_CHARS = str.maketrans({"0": "o", "1": "l", "5": "s", "|": "l"})


def fold(text: str) -> str:
    """Lower case, accents removed (ß → ss, ø → o), punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o")
                                 .replace("Ø", "O").replace("æ", "ae").replace("œ", "oe")
                                 .replace("ł", "l").replace("Ł", "L").replace("đ", "d")
                                 .replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # S.A. -> SA, e.V. -> eV
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@lru_cache(maxsize=200_000)
def normalize(name: str) -> str:
    """The comparison form of a name (see the module docstring)."""
    tokens = []
    for token in fold(name).split():
        token = OCR_TOKENS.get(token, token)
        if any(c.isalpha() for c in token) and any(c.isdigit() for c in token):
            token = token.translate(_OCR_CHARS)
        tokens.append(token)
    kept = [t for t in tokens if t not in LEGAL_FORMS and t not in ARTICLES]
    return " ".join(kept or tokens)


def skeleton(norm: str) -> str:
    """Letters OCR confuses folded together, for a second, looser comparison."""
    return norm.replace("rn", "m").replace("l", "i").replace("1", "i")


def variants(name: str) -> set[str]:
    """The name and its parts: outside and inside parentheses, each side of a dash."""
    out = {name}
    if "(" in name:
        out.add(re.sub(r"\s*\([^)]*\)", "", name))
        # "(FBI)", "(Italian Data Protection Authority)" name the entity; "(NC)", "(blog)" do not
        out.update(inner for inner in re.findall(r"\(([^)]*)\)", name)
                   if len(inner.split()) > 1 or (len(inner) >= 3 and inner.isupper()))
    for part in list(out):
        for sep in (" – ", " — ", " - "):
            if sep in part:
                out.update(part.split(sep))
    return {n for v in out if (n := normalize(v.strip()))}
