"""The dashboard's shell: page setup, the language switch and ``st.navigation``.

``app.py`` at the top of the repository only calls ``main()``; each page is a thin file in
``pages/`` that calls its view's ``render()``.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from graph.settings import get_settings
from graph.ui.escape import md_link
from graph.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from graph.ui.views.common import LANG_KEY

# (url path, script, icon): the order of the sidebar.
PAGES = (
    ("home", "pages/home.py", ":material/home:"),
    ("profile", "pages/profile.py", ":material/badge:"),
    ("network", "pages/network.py", ":material/hub:"),
    ("paths", "pages/paths.py", ":material/route:"),
    ("timeline", "pages/timeline.py", ":material/timeline:"),
    ("map", "pages/map.py", ":material/public:"),
    ("sources", "pages/sources.py", ":material/menu_book:"),
    ("sparql", "pages/sparql.py", ":material/terminal:"),
)
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
    render()


def main() -> None:
    st.set_page_config(page_title="Custodiet", page_icon=":material/visibility:", layout="wide")
    lang = _language()
    pages = [
        st.Page(script, title=t(f"nav.{name}", lang), icon=icon, url_path=name,
                default=name == "home")
        for name, script, icon in PAGES
    ]
    page = st.navigation(pages)
    st.sidebar.caption(t("nav.about", lang) + " · "
                       + md_link(t("nav.endpoint", lang), get_settings().endpoint_url + "/sparql"))
    page.run()
