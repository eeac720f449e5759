"""Escaping for every place a label from the data reaches a renderer.

Labels, titles and notes come from a hand-edited ledger, so they are data, not markup: a name
such as ``<script>`` or ``[x](javascript:…)`` must show as typed. Streamlit renders headings,
captions, links and badges as Markdown (with its own extensions: ``:red[…]``, ``$…$`` maths,
``:emoji:``), and the network component puts node tooltips into ``innerHTML``.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

# Hand-written because no maintained library escapes Streamlit's Markdown dialect. CommonMark
# lets a backslash escape any ASCII punctuation; only the characters that can start markup are
# escaped, so an exported dossier stays readable ("Ton-That", "18,000", "(CNIL)" stay as typed).
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_STREAMLIT = re.compile(r"([$:])")  # $maths$, :emoji: and :color[...] directives
_BLOCK_START = re.compile(r"^([#+\-=]|\d+(?=[.)]))")
_SPACES = re.compile(r"\s+")


def md(text: object, *, streamlit: bool = True) -> str:
    """``text`` as literal Markdown: markup characters backslash-escaped, newlines folded.

    ``streamlit=False`` leaves ``$`` and ``:`` alone, for Markdown files read outside Streamlit.
    """
    folded = _SPACES.sub(" ", str(text)).strip()
    escaped = _INLINE.sub(r"\\\1", folded)
    if streamlit:
        escaped = _STREAMLIT.sub(r"\\\1", escaped)
    match = _BLOCK_START.match(escaped)
    if match:  # "# x", "- x", "1. x" at the start would make a heading or a list
        if match.group(1)[0].isdigit():
            end = match.end()
            escaped = escaped[:end] + "\\" + escaped[end:]
        else:
            escaped = "\\" + escaped
    return escaped


def html_text(text: object) -> str:
    """``text`` for HTML element content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no ``javascript:`` and the like).

    Anything else (None, a pandas NaN for a source without a URL, a local path) is no link.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    # Percent-encode what would end a Markdown link destination or break out of an attribute.
    return quote(url.strip(), safe=":/?#[]@!$&'*+,;=%~-._")


def md_link(text: object, url: object, *, streamlit: bool = True) -> str:
    """A Markdown link with escaped text, or only the escaped text when the URL is unsafe."""
    target = safe_url(url)
    label = md(text, streamlit=streamlit)
    if target is None:
        return label
    return f"[{label}]({target.replace('(', '%28').replace(')', '%29')})"
