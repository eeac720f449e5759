"""Every page for every entity, claim and source of the bundled data, in both languages.

One AppTest per language and page kind is re-run with each id (a rerun reuses the loaded
script and the per-build caches), so the walk over ~1,000 addresses stays within a couple of
minutes. A page that fails shows the app's one-sentence error (``common.failed``) instead of
a traceback; the walk fails on that sentence, on any exception, and on a page that does not
show the entity, claim or source it was asked for.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from graph.settings import Settings
from graph.store import open_store
from graph.ui.i18n import LANGUAGES, t
from tests.ui.conftest import ROOT, TIMEOUT

ENTITIES = "SELECT ?e WHERE { ?e a <https://w3id.org/custodiet/ontology#Entity> }"
CLAIMS = "SELECT ?c WHERE { ?c a <https://w3id.org/custodiet/ontology#Claim> }"
SOURCES = "SELECT ?s WHERE { ?s a <https://w3id.org/custodiet/ontology#Source> }"


@pytest.fixture(scope="module")
def ids(bundled_store: Settings) -> dict[str, list[str]]:
    store = open_store(bundled_store)
    local = {"profile": ENTITIES, "claim": CLAIMS, "sources": SOURCES}
    found = {page: sorted({str(next(iter(row.values()))).rsplit("/", 1)[1]
                           for row in store.select(query).rows})
             for page, query in local.items()}
    assert len(found["profile"]) > 300 and len(found["sources"]) > 250, found
    return found


def _walk(page: str, lang: str, param: str, ids: list[str],
          check: Callable[[AppTest, str], str | None]) -> list[str]:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    app.query_params["lang"] = lang
    app.switch_page(f"pages/{page}.py")
    failed = t("common.failed", lang)
    problems = []
    for item in ids:
        app.query_params[param] = item
        app.run()
        errors = [str(e.value) for e in app.exception]
        errors += [str(e.value) for e in app.error if failed in str(e.value)]
        problem = "; ".join(errors) or check(app, item)
        if problem:
            problems.append(f"{page}?{param}={item}&lang={lang}: {problem}")
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_profile_claim_and_source_renders(bundled_store: Settings,
                                                use_settings: Callable[[Settings], None],
                                                ids: dict[str, list[str]], lang: str) -> None:
    use_settings(bundled_store)
    not_found = {"profile": t("profile.not_found", lang, id=""),
                 "claim": t("claim.not_found", lang, id="")}

    def shown(kind: str) -> Callable[[AppTest, str], str | None]:
        def check(app: AppTest, item: str) -> str | None:
            if any(str(e.value).startswith(not_found[kind][:12]) for e in app.error):
                return "said it does not exist"
            if not app.title or not app.title[0].value:
                return "no title"
            return None
        return check

    def source_shown(app: AppTest, item: str) -> str | None:
        picked = app.selectbox(key="src_pick").value
        return None if picked == item else f"shows {picked!r}"

    problems = _walk("profile", lang, "id", ids["profile"], shown("profile"))
    # Claim pages share the profile's code and cache: each claim is walked once, half of them
    # in each language, which keeps the walk short.
    half = ids["claim"][LANGUAGES.index(lang)::len(LANGUAGES)]
    problems += _walk("claim", lang, "id", half, shown("claim"))
    problems += _walk("sources", lang, "source", ids["sources"], source_shown)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("page", ["home", "regulatory", "funding", "contracts", "network",
                                  "paths", "timeline", "map", "sparql"])
def test_every_other_page_renders_in_both_languages(bundled_store: Settings,
                                                    use_settings: Callable[[Settings], None],
                                                    page: str) -> None:
    use_settings(bundled_store)
    for lang in LANGUAGES:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        app.query_params["lang"] = lang
        if page != "home":
            app.switch_page(f"pages/{page}.py")
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert all(t("common.failed", lang) not in str(e.value) for e in app.error)
        assert app.title and app.title[0].value
