"""Reading an article: plain text, HTML (trafilatura), PDF (pypdf), or a URL when allowed.

The text the offsets refer to is the text returned here: for a plain-text file it is the file
itself (so ``custodiet locate`` gives the same offsets), for HTML and PDF it is the extracted main
text, kept beside the review file so the reviewer can see the evidence.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from graph.extract.rules import languages, load_rules

MAX_BYTES = 20_000_000
USER_AGENT = "custodiet-extract/1 (+https://w3id.org/custodiet)"


class ExtractError(ValueError):
    """A problem with the input the user should fix; the CLI prints it without a traceback."""


@dataclass
class Document:
    """The text to extract from and what is known of its source."""

    text: str
    origin: str  # the path or URL as given
    kind: str  # text | html | pdf
    sha256: str
    language: str = ""
    title: str | None = None
    published: str | None = None
    author: list[str] = field(default_factory=list)
    publisher: str | None = None
    url: str | None = None
    path: Path | None = None  # the local file, when the input was one

    @property
    def words(self) -> int:
        return len(self.text.split())


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def detect_language(text: str) -> str:
    """The language whose function words are most frequent (French or English at least).

    A stopword count needs no model and no extra dependency, and on articles (hundreds of words)
    it does not hesitate between French and English; short or other texts raise an error that
    asks for ``--language``.
    """
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < 5:
        raise ExtractError("too little text to detect its language: give --language")
    scores = {lang: sum(w in load_rules(lang).stopwords for w in words) / len(words)
              for lang in languages()}
    best = max(scores, key=scores.__getitem__)
    if scores[best] < 0.05:
        raise ExtractError("could not detect a supported language "
                           f"({', '.join(languages())}): give --language")
    return best


def _from_html(raw: bytes, origin: str, url: str | None) -> Document:
    import trafilatura

    html = raw.decode("utf-8", errors="replace")
    result = trafilatura.extract(html, output_format="json", with_metadata=True,
                                 include_comments=False, url=url)
    if not result:
        raise ExtractError(f"{origin}: no article text found in the HTML")
    meta = json.loads(result)
    text = str(meta.get("text") or "").strip() + "\n"
    author = [a.strip() for a in re.split(r";|,| and ", str(meta.get("author") or "")) if a.strip()]
    date = meta.get("date")
    return Document(text, origin, "html", _sha(text), title=meta.get("title") or None,
                    published=str(date) if date else None, author=author,
                    publisher=meta.get("sitename") or None, url=url or meta.get("source") or None)


def _from_pdf(raw: bytes, origin: str, url: str | None) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, OSError) as exc:
        raise ExtractError(f"{origin}: not a readable PDF ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip()) + "\n"
    if not text.strip():
        raise ExtractError(f"{origin}: the PDF has no text layer (scanned pages need OCR first)")
    title = str(info.title) if info and info.title else None
    author = [str(info.author)] if info and info.author else []
    return Document(text, origin, "pdf", _sha(text), title=title, author=author, url=url)


def _sniff(raw: bytes, name: str, content_type: str = "") -> str:
    head = raw[:1024].lstrip().lower()
    if raw.startswith(b"%PDF") or "pdf" in content_type or name.lower().endswith(".pdf"):
        return "pdf"
    if (b"<html" in head or b"<!doctype html" in head or "html" in content_type
            or name.lower().endswith((".html", ".htm"))):
        return "html"
    return "text"


def _decode_text(raw: bytes, origin: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExtractError(f"{origin}: not UTF-8 text (convert it, e.g. iconv -t UTF-8)") from None


def read_document(origin: str, *, allow_network: bool = False, language: str | None = None,
                  timeout: float = 20.0) -> Document:
    """Read a file or (only with ``allow_network``) a URL, extract its text and metadata."""
    if re.match(r"^https?://", origin, re.I):
        if not allow_network:
            raise ExtractError(f"{origin} is a URL: fetching it needs --allow-network "
                               "(or save the page and give the file)")
        raw, content_type = _fetch(origin, timeout)
        kind = _sniff(raw, origin, content_type)
        doc = (_from_pdf(raw, origin, origin) if kind == "pdf" else
               _from_html(raw, origin, origin) if kind == "html" else
               _plain(_decode_text(raw, origin), origin, None, origin))
    else:
        path = Path(origin)
        if not path.exists():
            raise ExtractError(f"{origin}: no such file")
        if not path.is_file():
            raise ExtractError(f"{origin}: not a file")
        if path.stat().st_size > MAX_BYTES:
            raise ExtractError(f"{origin}: larger than {MAX_BYTES // 1_000_000} MB")
        raw = path.read_bytes()
        kind = _sniff(raw, path.name)
        doc = (_from_pdf(raw, origin, None) if kind == "pdf" else
               _from_html(raw, origin, None) if kind == "html" else
               _plain(_decode_text(raw, origin), origin, path, None))
        doc.path = path
    if not doc.text.strip():
        raise ExtractError(f"{origin}: the document has no text")
    if language:
        if language not in languages():
            raise ExtractError(f"unsupported language {language!r} (have: {', '.join(languages())})")
        doc.language = language
    else:
        doc.language = detect_language(doc.text)
    return doc


def _plain(text: str, origin: str, path: Path | None, url: str | None) -> Document:
    return Document(text, origin, "text", _sha(text), url=url, path=path)


def _fetch(url: str, timeout: float) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise ExtractError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ExtractError(f"{url}: could not fetch ({reason})") from None
    if len(raw) > MAX_BYTES:
        raise ExtractError(f"{url}: larger than {MAX_BYTES // 1_000_000} MB")
    return raw, content_type
