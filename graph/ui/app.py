"""The dashboard's shell: page setup, the language switch and ``st.navigation``.

``app.py`` at the top of the repository only calls ``main()``; each page is a thin file in
``pages/`` that calls its view's ``render()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from graph.settings import get_settings
from graph.ui.escape import md_link
from graph.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from graph.ui.views.common import LANG_KEY

# (url path, script, icon): the order of the sidebar. To add a page: a view module in
# graph/ui/views/, a thin file in pages/, one line here and its title under nav: in strings.yaml.
PAGES = (
    ("home", "pages/home.py", ":material/home:"),
    ("profile", "pages/profile.py", ":material/badge:"),
    ("regulatory", "pages/regulatory.py", ":material/gavel:"),
    ("funding", "pages/funding.py", ":material/payments:"),
    ("contracts", "pages/contracts.py", ":material/handshake:"),
    ("network", "pages/network.py", ":material/hub:"),
    ("paths", "pages/paths.py", ":material/route:"),
    ("timeline", "pages/timeline.py", ":material/timeline:"),
    ("map", "pages/map.py", ":material/public:"),
    ("sources", "pages/sources.py", ":material/menu_book:"),
    ("sparql", "pages/sparql.py", ":material/terminal:"),
    ("dedupe", "pages/dedupe.py", ":material/merge:"),
    ("review", "pages/review.py", ":material/fact_check:"),
    ("claim", "pages/claim.py", ":material/format_quote:"),
)
HIDDEN = {"claim"}  # reached by links (claim?id=…), not from the sidebar
FAVICON = Path(__file__).with_name("static") / "favicon.png"  # local: a :material: icon is fetched from Google
log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def _language() -> str:
    """The sidebar switch; the choice is kept under LANG_KEY (``?lang=`` seeds it).

    The radio has no key of its own: its state is rebuilt from LANG_KEY on every run, so it
    survives the widget being re-created when page titles change language.
    """
    current = st.session_state.get(LANG_KEY)
    if current not in LANGUAGES:
        asked = st.query_params.get("lang")
        current = asked if asked in LANGUAGES else DEFAULT_LANGUAGE
    choice = st.sidebar.radio("Language · Langue", LANGUAGES, index=LANGUAGES.index(current),
                              horizontal=True, format_func=LANGUAGE_NAMES.__getitem__)
    st.session_state[LANG_KEY] = choice if choice in LANGUAGES else current
    return str(st.session_state[LANG_KEY])


def run_page(render: Callable[[], None]) -> None:
    """Run a page's view; called by the thin files in ``pages/``.

    Streamlit runs a page file through its legacy ``pages/`` folder mode, without ``app.py``,
    when a deep link (``/profile?id=…``) is the first request after the server starts (and on
    every AppTest run). Then the shell is run here: ``st.navigation`` turns that mode off for
    the process and runs the page again, this time inside the app's navigation.
    """
    if PagesManager.uses_pages_directory:
        main()
        return
    guarded(render)


def guarded(render: Callable[[], None]) -> None:
    """Run a view; an unexpected error reaches the reader as one sentence, never a traceback.

    The traceback goes to the server log. Streamlit's own control flow (``st.stop``,
    ``st.switch_page``, reruns) derives from BaseException and passes through.
    """
    try:
        render()
    except Exception:
        log.exception("page failed: %s", st.query_params.to_dict())
        st.error(t("common.failed", str(st.session_state.get(LANG_KEY) or DEFAULT_LANGUAGE)),
                 icon=":material/error:")


def main() -> None:
    st.set_page_config(page_title="Custodiet", page_icon=str(FAVICON), layout="wide")
    lang = _language()
    pages = [
        st.Page(script, title=t(f"nav.{name}", lang), icon=icon, url_path=name,
                default=name == "home", visibility="hidden" if name in HIDDEN else "visible")
        for name, script, icon in PAGES
    ]
    page = st.navigation(pages)
    # The endpoint's query page (an HTML form), not /sparql, which answers a browser with a
    # service description to download.
    st.sidebar.caption(t("nav.about", lang) + " · "
                       + md_link(t("nav.endpoint", lang), get_settings().endpoint_url + "/"))
    page.run()
