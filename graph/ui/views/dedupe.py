"""Merge candidates: decide whether two entity records are the same, with who and why.

A thin face over ``graph.resolve``: the pairs ``custodiet dedupe`` lists, three buttons, and the
decision appended to ``data/resolution/decisions.jsonl`` (the imported ledgers are re-derived at
once; a rebuild publishes them). Every decision can be undone from the list below it. The page
edits the ledger folder, not the live graph, and says so.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import streamlit as st

from graph.importers.service import all_entities, apply_decisions, review_candidates
from graph.importers.store import decisions_path
from graph.resolve import Candidate, DecisionLog, EntityInfo
from graph.settings import get_settings
from graph.ui.escape import md
from graph.ui.views.common import lang

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Merge candidates", "fr": "Doublons à trancher"},
    "intro": {"en": "Pairs of records that may be one entity, best first. A decision is "
                    "written to {file} with who, when and why, and can be undone below. It "
                    "changes the ledger folder; run `custodiet build` to publish it.",
              "fr": "Paires de fiches qui pourraient désigner une même entité, les plus "
                    "probables d'abord. Chaque décision est écrite dans {file} avec qui, quand "
                    "et pourquoi, et peut être annulée plus bas. Elle modifie le dossier du "
                    "registre ; lancez `custodiet build` pour la publier."},
    "who": {"en": "Your name (recorded with each decision)",
            "fr": "Votre nom (enregistré avec chaque décision)"},
    "min": {"en": "Lowest score shown", "fr": "Score minimal affiché"},
    "none": {"en": "No candidate pair left to review.",
             "fr": "Aucune paire à examiner."},
    "why": {"en": "Why (the evidence, in your words)",
            "fr": "Pourquoi (les éléments, dans vos mots)"},
    "same": {"en": "Same entity", "fr": "Même entité"},
    "different": {"en": "Different", "fr": "Différentes"},
    "unsure": {"en": "Unsure", "fr": "Incertain"},
    "recorded": {"en": "Recorded: {left} {judgement} {right}.",
                 "fr": "Enregistré : {left} {judgement} {right}."},
    "reverted": {"en": "The merged ledger did not validate, so the decision was reverted:",
                 "fr": "Le registre fusionné n'est pas valide ; la décision est annulée :"},
    "history": {"en": "Recent decisions", "fr": "Décisions récentes"},
    "undo": {"en": "Undo", "fr": "Annuler"},
    "undone": {"en": "Undone: {left} and {right}.", "fr": "Annulé : {left} et {right}."},
    "score": {"en": "score {score}", "fr": "score {score}"},
    "shown": {"en": "{shown} of {total} pairs", "fr": "{shown} paires sur {total}"},
}


def _t(key: str, **values: object) -> str:
    text = TEXTS[key].get(lang()) or TEXTS[key]["en"]
    return text.format(**values) if values else text


@st.cache_data(show_spinner=True, max_entries=4)
def _candidates(folder: str, stamp: float, min_score: float
                ) -> tuple[list[Candidate], dict[str, EntityInfo]]:
    """Candidates and entities, recomputed when the decisions file changes (``stamp``)."""
    path = Path(folder)
    return review_candidates(path, min_score), {e.id: e for e in all_entities(path)}


def _describe(info: EntityInfo | None, entity_id: str) -> str:
    if info is None:
        return md(entity_id)
    names = " · ".join(md(n) for n in info.names[:4])
    facts = ", ".join(x for x in ("/".join(info.types), info.country or "",
                                  "curated" if info.origin == "curated" else
                                  f"import {info.origin}") if x)
    return f"**{names}**  \n`{md(entity_id)}` — {md(facts)}"


def _decide(folder: Path, who: str, pair: Candidate, judgement: str, why_key: str) -> None:
    why = str(st.session_state.get(why_key) or "").strip()
    log = DecisionLog(decisions_path(folder))
    decision = log.decide(pair.left, pair.right, judgement, who, why)
    problems = apply_decisions(folder)
    if problems:
        log.undo(pair.left, pair.right, "custodiet", "reverted: the merged ledger did not validate")
        apply_decisions(folder)
        st.session_state["dedupe_message"] = ("error", _t("reverted") + "\n\n" + "\n\n".join(
            md(d.format()) for d in problems[:5]))
        return
    st.session_state["dedupe_message"] = ("success", _t(
        "recorded", left=md(decision.left), judgement=decision.judgement,
        right=md(decision.right)))


def _undo(folder: Path, who: str, left: str, right: str) -> None:
    DecisionLog(decisions_path(folder)).undo(left, right, who)
    apply_decisions(folder)
    st.session_state["dedupe_message"] = ("success", _t("undone", left=md(left),
                                                        right=md(right)))


def render() -> None:
    folder = get_settings().data_dir
    log_file = decisions_path(folder)
    st.title(_t("title"), anchor=False)
    st.caption(_t("intro", file=f"`{md(str(log_file))}`"))
    default_who = os.environ.get("USER") or getpass.getuser()
    who = st.sidebar.text_input(_t("who"), value=default_who, key="dedupe_who").strip()
    min_score = st.sidebar.slider(_t("min"), 50, 100, 70, key="dedupe_min")
    message = st.session_state.pop("dedupe_message", None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    stamp = log_file.stat().st_mtime if log_file.exists() else 0.0
    candidates, entities = _candidates(str(folder), stamp, float(min_score))
    if not candidates:
        st.info(_t("none"))
    shown = candidates[:20]
    if candidates:
        st.caption(_t("shown", shown=len(shown), total=len(candidates)))
    for index, pair in enumerate(shown):
        with st.container(border=True):
            st.markdown(f"**{_t('score', score=pair.score)}** — "
                        + md("; ".join(pair.reasons)))
            left, right = st.columns(2)
            left.markdown(_describe(entities.get(pair.left), pair.left))
            right.markdown(_describe(entities.get(pair.right), pair.right))
            why_key = f"dedupe_why_{index}_{pair.left}_{pair.right}"
            st.text_input(_t("why"), key=why_key)
            buttons = st.columns(3)
            for column, judgement in zip(buttons, ("same", "different", "unsure"), strict=True):
                column.button(_t(judgement), key=f"dedupe_{judgement}_{pair.left}_{pair.right}",
                              on_click=_decide,
                              args=(folder, who or default_who, pair, judgement, why_key))
    history = DecisionLog(log_file).history[-10:]
    if history:
        st.subheader(_t("history"), anchor=False)
        for number, d in enumerate(reversed(history)):
            row = st.columns([6, 1])
            row[0].markdown(f"`{md(d.when)}` **{md(d.left)}** {md(d.judgement)} "
                            f"**{md(d.right)}** — {md(d.who)}" + (f": {md(d.why)}"
                                                                  if d.why else ""))
            row[1].button(_t("undo"), key=f"dedupe_undo_{number}_{d.left}_{d.right}",
                          on_click=_undo, args=(folder, who or default_who, d.left, d.right))
