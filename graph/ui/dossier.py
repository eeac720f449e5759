"""A cited dossier of one entity, in Markdown and in printable HTML.

Journalists paste it into notes or articles, so it must stand on its own: each claim is a
sentence with its qualifiers followed by numbered citations ``[3, 7]``; the sources are listed
once, numbered, at the end (title, publisher, date, URL and its host, "copy of", access date,
archive or SHA-256 of local files), as in a paper's reference list. Every piece of data is
Markdown-escaped; the HTML is rendered from that Markdown with raw HTML disabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from markdown_it import MarkdownIt

from graph.ui.escape import html_text
from graph.ui.escape import md as streamlit_md
from graph.ui.escape import md_link as streamlit_md_link
from graph.ui.families import ORDER, family_of
from graph.ui.i18n import t
from graph.ui.labels import class_label, status_label, url_host
from graph.ui.model import ClaimView, Profile, Reference

# The dossier is read outside Streamlit: plain CommonMark escaping ($ and : stay as typed).
md = partial(streamlit_md, streamlit=False)
md_link = partial(streamlit_md_link, streamlit=False)
SourceFacts = Mapping[str, Mapping[str, str]]


def _numbers(profile: Profile) -> dict[str, int]:
    """Source id -> citation number, in order of first citation."""
    numbers: dict[str, int] = {}
    for claim in _ordered(profile):
        for ref in claim.references:
            numbers.setdefault(ref.source, len(numbers) + 1)
    return numbers


def _ordered(profile: Profile) -> list[ClaimView]:
    return sorted(profile.claims, key=lambda c: (ORDER.index(family_of(c.predicate)),
                                                 c.sort_date or "9999", c.claim))


def _statement(profile: Profile, claim: ClaimView, numbers: dict[str, int]) -> str:
    lang = profile.lang
    subject, verb, obj = profile.statement(claim)
    text = f"{md(subject)} {md(verb)} {md(obj)}"
    details = [md(q) for q in claim.qualifiers(status=False)]
    status = status_label(claim.case_status, lang) or claim.status
    if status:
        details.append(md(status))
    if details:
        text += f" ({'; '.join(details)})"
    cited = sorted({numbers[r.source] for r in claim.references})
    text += "." + (f" \\[{', '.join(str(n) for n in cited)}\\]" if cited else "")
    flags = []
    if claim.grade:
        flags.append(t("badge.grade", lang, grade=claim.grade))
    if claim.single_source:
        flags.append(t("badge.single_source", lang))
    if claim.disputed:
        flags.append(t("badge.disputed", lang))
    if flags:
        text += " **" + md(", ".join(flags)) + "**"
    locators = [f"\\[{numbers[r.source]}\\] {md(r.locator)}" for r in claim.references
                if r.locator]
    if locators:
        text += " — " + "; ".join(locators)
    if claim.note:
        text += f" — *{md(claim.note)}*"
    return text


def _reference(number: int, ref: Reference, facts: Mapping[str, str], lang: str,
               built_at: str, titles: Mapping[str, str]) -> str:
    parts = [f"*{md(ref.title)}*"]
    publisher = ref.publisher_label or facts.get("publisher_label") or ""
    if publisher:
        parts.append(md(publisher))
    if ref.issued:
        parts.append(md(ref.issued))
    url = ref.url or facts.get("url") or ""
    if url.startswith(("http://", "https://")):
        host = ref.host or url_host(url)
        parts.append(md_link(url, url) + (f" ({md(host)})" if host else ""))
        parts.append(md(t("dossier.accessed", lang, date=built_at[:10])))
    elif url:
        parts.append(md(t("dossier.local", lang, path=url)))
    if facts.get("archive"):
        parts.append(md(t("dossier.archive", lang, archive=facts["archive"])))
    if facts.get("sha256"):
        parts.append(f"SHA-256 `{facts['sha256']}`")
    if ref.copy_of:
        parts.append(md(t("sources.copy_of", lang, title=titles.get(ref.copy_of, ref.copy_of))))
    return f"{number}. " + ". ".join(parts) + f". \\[{md(ref.source)}\\]"


def dossier_markdown(profile: Profile, build_id: str, built_at: str,
                     sources: SourceFacts | None = None) -> str:
    """The whole dossier: identity, statements by family citing numbers, then the references.

    ``sources`` (``ui-sources`` rows by id) adds archive paths and hashes to the references.
    """
    lang = profile.lang
    sources = sources or {}
    titles = {i: f.get("title", i) for i, f in sources.items()}
    lines = [f"# {md(profile.label)}", ""]
    identity = [
        (t("profile.types", lang), ", ".join(class_label(c, lang) for c in profile.types)),
        (t("profile.names", lang), " / ".join(dict.fromkeys(profile.names.values()))),
        (t("profile.aliases", lang), ", ".join(profile.aliases)),
        (t("profile.country", lang), profile.country),
        (t("profile.founded", lang), profile.founded),
        (t("profile.wikidata", lang), profile.wikidata),
        (t("profile.identifiers", lang), ", ".join(profile.identifiers)),
    ]
    lines += [f"- {md(name)}: {md(value)}" for name, value in identity if value]
    lines += ["", f"*{md(t('dossier.preamble', lang, build=build_id, date=built_at))}*", ""]
    if profile.description:
        lines += [md(profile.description), ""]
    numbers = _numbers(profile)
    family = None
    for claim in _ordered(profile):
        if family_of(claim.predicate) != family:
            family = family_of(claim.predicate)
            lines += ["", f"## {md(t(f'family.{family}', lang))}", ""]
        lines.append(f"- {_statement(profile, claim, numbers)}")
    if not profile.claims:
        lines += [md(t("profile.no_claims", lang)), ""]
    if numbers:
        lines += ["", f"## {md(t('dossier.references', lang))}", ""]
        refs = {r.source: r for c in profile.claims for r in c.references}
        for source, number in numbers.items():
            lines.append(_reference(number, refs[source], sources.get(source, {}), lang,
                                    built_at, titles))
    return "\n".join(lines).rstrip() + "\n"


_STYLE = """body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1f2933}h1,h2{font-family:system-ui,sans-serif}a{color:#1a4f8b;
word-break:break-all}code{font-size:.8em}@media print{a{color:inherit}body{margin:0}}"""


def dossier_html(profile: Profile, build_id: str, built_at: str,
                 sources: SourceFacts | None = None) -> str:
    """The Markdown dossier as a standalone HTML page (print it to PDF from the browser)."""
    body = MarkdownIt("commonmark", {"html": False}).render(
        dossier_markdown(profile, build_id, built_at, sources))
    return (f'<!doctype html><html lang="{html_text(profile.lang)}"><head><meta charset="utf-8">'
            f"<title>{html_text(profile.label)}</title><style>{_STYLE}</style></head>"
            f"<body>{body}</body></html>")
