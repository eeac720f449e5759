"""Review: accept, edit or reject the claims ``custodiet extract`` proposed, link or create new
names, and write the accepted items to the ledger (validated; nothing else is touched).

The logic is ``graph.extract.review`` (the same functions as ``custodiet review``); this view
only draws it. Review files are read from ``$CUSTODIET_REVIEW_DIR`` (default ``review/``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit as st
from ruamel.yaml import YAML

from graph.extract.document import ExtractError
from graph.extract.review import (
    EDITABLE,
    REVIEW_DIR,
    apply_review,
    decide,
    decide_entity,
    load_review,
    pending,
    reviewer,
    save_review,
)
from graph.settings import get_settings
from graph.ui.escape import md
from graph.ui.views.common import lang
from graph.vocabulary import load_vocabulary

STRINGS = Path(__file__).with_name("review_strings.yaml")


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return dict(YAML(typ="safe").load(STRINGS.read_text(encoding="utf-8")))


def _s(key: str, /, **values: object) -> str:
    texts = _strings()[key]
    text = texts.get(lang()) or texts["en"]
    return text.format(**values) if values else text


def review_dir() -> Path:
    return Path(os.environ.get("CUSTODIET_REVIEW_DIR") or REVIEW_DIR)


def _evidence(data: dict[str, Any], chars: list[int]) -> str:
    doc = data["document"]
    for name in (doc.get("text_cache"), doc.get("origin")):
        if name and Path(name).is_file():
            text = Path(name).read_text(encoding="utf-8")
            return " ".join(text[chars[0]:chars[1]].split())
    return "—"


def _summary(item: dict[str, Any]) -> str:
    c = item.get("edited") or item["proposed"]
    target = c.get("object") or f"= {c.get('value')}"
    quals = ", ".join(f"{k} {c[k]}" for k in ("date", "amount", "currency", "status", "kind", "role")
                      if c.get(k) is not None)
    return f"{c['subject']} · {c['predicate']} · {target}" + (f" ({quals})" if quals else "")


def _claim(path: Path, data: dict[str, Any], item: dict[str, Any], by: str) -> None:
    key = item["key"]
    label = f"{item['decision']} · {item['confidence']:.2f} · {_summary(item)}"
    with st.expander(md(label), expanded=False):
        st.caption(md(f"{_s('evidence')} (line {item['line']}, chars {item['chars'][0]}–"
                      f"{item['chars'][1]})"))
        st.markdown(md(f"“{_evidence(data, item['chars'])}”"))
        if item.get("known_claim"):
            st.info(md(_s("known_claim", id=item["known_claim"])))
        if item.get("reasons"):
            st.caption(md(_s("reasons") + ": " + "; ".join(item["reasons"])))
        left, right = st.columns(2)
        if left.button(_s("accept"), key=f"accept-{key}"):
            _decide(path, data, key, "accepted", by)
        if right.button(_s("reject"), key=f"reject-{key}"):
            _decide(path, data, key, "rejected", by)
        with st.form(f"edit-{key}"):
            current = item.get("edited") or item["proposed"]
            predicates = sorted(load_vocabulary().predicates)
            edits: dict[str, Any] = {}
            for field in EDITABLE:
                if field == "predicate":
                    edits[field] = st.selectbox(field, predicates,
                                                index=predicates.index(current["predicate"]),
                                                key=f"{key}-{field}")
                else:
                    edits[field] = st.text_input(field, value=str(current.get(field) or ""),
                                                 key=f"{key}-{field}")
            if st.form_submit_button(_s("save_edit")):
                changed = {k: v for k, v in edits.items() if str(current.get(k) or "") != v}
                _decide(path, data, key, "edited", by, changed or {"predicate": current["predicate"]})


def _decide(path: Path, data: dict[str, Any], key: str, action: str, by: str,
            edits: dict[str, Any] | None = None) -> None:
    try:
        decide(data, key, action, by, edits=edits)
    except ExtractError as exc:
        st.error(md(str(exc)))
        return
    save_review(path, data)
    st.toast(_s("decided", key=key, decision=action))
    st.rerun()


def _new_names(path: Path, data: dict[str, Any], by: str, show_all: bool) -> None:
    names = [n for n in data.get("new_entities") or []
             if show_all or n.get("decision", "pending") == "pending"]
    if not names:
        return
    st.subheader(_s("new_names"))
    classes = load_vocabulary().entity_classes
    for n in names:
        with st.form(f"name-{n['key']}"):
            st.markdown(md(f"**{n['name']}** · {n['type']} · {len(n['chars'])}× · {n['decision']}"))
            link = st.text_input(_s("link"), key=f"link-{n['key']}")
            create = st.text_input(_s("create"), key=f"create-{n['key']}")
            kind = st.selectbox(_s("type"), classes, index=classes.index(n["type"])
                                if n["type"] in classes else 0, key=f"type-{n['key']}")
            reject = st.checkbox(_s("reject"), key=f"rejectname-{n['key']}")
            if st.form_submit_button(_s("save_entity")):
                spec = ({"id": create, "types": [kind], "name": {"en": n["name"], "fr": n["name"]}}
                        if create else None)
                try:
                    decide_entity(data, n["key"], by, link=link or None, create=spec, reject=reject)
                except ExtractError as exc:
                    st.error(md(str(exc)))
                else:
                    save_review(path, data)
                    st.rerun()


def render() -> None:
    st.title(_s("title"))
    st.caption(md(_s("intro")))
    files = sorted(review_dir().glob("*.yaml"))
    if not files:
        st.info(md(_s("none")))
        return
    names = [f.stem for f in files]
    asked = st.query_params.get("doc")
    chosen = st.sidebar.selectbox(_s("document"), names,
                                  index=names.index(asked) if asked in names else 0)
    by = st.sidebar.text_input(_s("reviewer"), value=reviewer())
    show_all = st.sidebar.checkbox(_s("show_all"))
    path = review_dir() / f"{chosen}.yaml"
    try:
        data = load_review(path)
    except ExtractError as exc:
        st.error(md(str(exc)))
        return
    doc = data["document"]
    st.caption(md(f"{doc['origin']} · {doc['language']} · {doc['words']} words · lines "
                  f"{doc['body']['first_line']}–{doc['body']['last_line']}"))
    st.markdown(md(_s("pending", n=len(pending(data)), total=len(data["claims"]))))
    for item in data["claims"]:
        if show_all or item.get("decision", "pending") == "pending":
            _claim(path, data, item, by)
    _new_names(path, data, by, show_all)
    if st.button(_s("apply"), type="primary"):
        try:
            result = apply_review(data, get_settings())
        except ExtractError as exc:
            st.error(md(str(exc)))
        else:
            st.success(md(_s("applied", claims=result.claims, path=result.path)))
            for note in result.skipped:
                st.warning(md(note))
