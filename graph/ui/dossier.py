"""A cited dossier of one entity in Markdown: every statement is followed by its sources.

Journalists paste it into notes or articles, so it must stand on its own: each claim becomes a
sentence with its qualifiers, then the sources (title, publisher, date, locator, link) on the
lines right below it. Every piece of data is Markdown-escaped.
"""

from __future__ import annotations

from functools import partial

from graph.ui.escape import md as streamlit_md
from graph.ui.escape import md_link as streamlit_md_link
from graph.ui.i18n import t
from graph.ui.labels import class_label
from graph.ui.model import ClaimView, Profile, Reference

# The dossier is read outside Streamlit: plain CommonMark escaping ($ and : stay as typed).
md = partial(streamlit_md, streamlit=False)
md_link = partial(streamlit_md_link, streamlit=False)


def _reference(ref: Reference, lang: str) -> str:
    parts = [f"*{md(ref.title)}*"]
    if ref.publisher_label:
        parts.append(md(ref.publisher_label))
    if ref.issued:
        parts.append(md(ref.issued))
    if ref.locator:
        parts.append(md(ref.locator))
    line = ", ".join(parts)
    link = md_link(ref.url, ref.url) if ref.url else ""
    return f"{t('dossier.source', lang)} {line}" + (f" — {link}" if link else "") + \
        f" \\[{md(ref.source)}\\]"


def _statement(profile: Profile, claim: ClaimView) -> str:
    lang = profile.lang
    subject, verb, obj = profile.statement(claim)
    text = f"{md(subject)} {md(verb)} {md(obj)}"
    details = [md(q) for q in claim.qualifiers()]
    if details:
        text += f" ({'; '.join(details)})"
    text += "."
    flags = []
    if claim.single_source:
        flags.append(t("badge.single_source", lang))
    if claim.disputed:
        flags.append(t("badge.disputed", lang))
    if flags:
        text += " **" + md(", ".join(flags)) + "**"
    if claim.note:
        text += f" — {md(claim.note)}"
    return text


def dossier_markdown(profile: Profile, build_id: str, built_at: str) -> str:
    """The whole dossier; identity first, then claims by relation, each with its sources."""
    lang = profile.lang
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
    for group in profile.groups():
        lines += [f"## {md(group.title)}", ""]
        for number, claim in enumerate(group.claims, start=1):
            lines.append(f"{number}. {_statement(profile, claim)}")
            for ref in claim.references:
                lines.append(f"    - {_reference(ref, lang)}")
        lines.append("")
    if not profile.claims:
        lines += [md(t("profile.no_claims", lang)), ""]
    return "\n".join(lines).rstrip() + "\n"
