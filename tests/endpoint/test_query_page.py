"""The query page at /: cookbook examples, results table and downloads, nothing from a CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from graph.docs.cookbook import cookbook_queries

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]


def test_page_lists_every_cookbook_query(endpoint: str) -> None:
    page = httpx.get(endpoint + "/").text
    data = re.search(r'<script type="application/json" id="examples-data">(.*?)</script>', page,
                     re.S)
    assert data
    examples = {e["name"]: e for e in json.loads(data.group(1))}
    for query in cookbook_queries():
        assert query.name in examples
        assert examples[query.name]["title"] == query.title
        assert "$" not in examples[query.name]["query"].split("WHERE")[1]  # parameters filled


def test_page_loads_nothing_from_elsewhere(endpoint: str) -> None:
    page = httpx.get(endpoint + "/").text
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert "/static/query.js" in assets and "/static/style.css" in assets
    assert all(not urlparse(a).netloc for a in assets), assets
    for asset in ("/static/query.js", "/static/style.css"):
        response = httpx.get(endpoint + asset)
        assert response.status_code == 200
        assert "http://" not in response.text and "https://" not in response.text


@pytest.mark.browser
def test_run_an_example_in_a_browser(endpoint: str, chromium: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        page = browser.new_page(accept_downloads=True)

        def only_local(route, request) -> None:  # type: ignore[no-untyped-def]
            if urlparse(request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(request.url)
                route.abort()

        page.route("**/*", only_local)
        page.goto(endpoint + "/?example=cookbook-who-funds")
        assert "Peter Thiel" not in page.inner_text("#results")
        page.click("#run")
        page.wait_for_selector("table.results tbody tr")
        rows = page.locator("table.results tbody tr")
        assert rows.count() == 1
        assert "Peter Thiel" in rows.first.inner_text()
        link = page.locator("table.results a[href='/entity/peter-thiel']")
        assert link.count() == 1
        with page.expect_download() as download:
            page.click("button[data-ext='csv']")
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.splitlines()[0].startswith("investor,investor_label")
        # A value holding markup is shown as text: no element is created from it.
        page.fill("#query", 'SELECT ?x WHERE { BIND("<img src=x id=pwned>" AS ?x) }')
        page.focus("#query")
        page.keyboard.press("Control+Enter")
        expect(page.locator("table.results td").first).to_have_text("<img src=x id=pwned>")
        assert page.locator("#pwned").count() == 0
        browser.close()
    assert outside == []
