"""End to end in a real headless Chromium: start the dashboard, search, open a profile.

Runs ``streamlit run app.py`` on a free port against a built store (the bundled data when
``data/`` validates, else the test ledger), types "clearview" in the home page's search box,
follows the result to the profile, checks that the network component and the sources are on
screen, saves the screenshots the README shows, clicks a neighbour in the network to open its
profile, and switches to French.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from graph.pipeline import validate_ledger
from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 60
WAIT_MS = 30_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
STREAMLIT_ICON_FONT = "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/"

pytestmark = pytest.mark.browser  # skipped without Chromium: see tests/conftest.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Settings:
    """The bundled data when it validates (what the README shows), else the test ledger."""
    if validate_ledger(ROOT / "data", shacl=False).ok:
        return request.getfixturevalue("bundled_store")  # type: ignore[no-any-return]
    return request.getfixturevalue("built_store")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def dashboard(store: Settings) -> Iterator[str]:
    port = free_port()
    env = os.environ | {f"CUSTODIET_{k.upper()}": str(v)
                        for k, v in store.model_dump().items() if v is not None}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {process.stderr.read()!r}"
                                   if process.stderr else "streamlit did not start")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def probe_points(radius: int = 210, step: int = 14) -> list[tuple[int, int]]:
    """Offsets from the canvas centre, nearest first, skipping the focus node in the middle."""
    points = [(dx, dy) for dx in range(-radius, radius + 1, step)
              for dy in range(-radius, radius + 1, step) if 45**2 < dx * dx + dy * dy <= radius**2]
    return sorted(points, key=lambda p: p[0] ** 2 + p[1] ** 2)


def test_search_open_profile_see_network_and_sources(dashboard: str, chromium: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.goto(dashboard)
            search = page.get_by_placeholder("Name, alias or acronym", exact=False)
            expect(search).to_be_visible(timeout=WAIT_MS)
            search.fill("clearview")
            search.press("Enter")
            result = page.get_by_role("link", name="Clearview AI", exact=False).first
            expect(result).to_be_visible(timeout=WAIT_MS)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(SCREENSHOTS / "home.png"))

            result.click()
            expect(page.get_by_role("heading", name="Clearview AI", level=1)).to_be_visible(
                timeout=WAIT_MS)
            assert "profile?id=clearview-ai" in page.url
            # The network: streamlit-agraph's iframe with vis.js's canvas drawn in it.
            network = page.frame_locator("iframe[title='streamlit_agraph.agraph']")
            expect(network.locator("canvas")).to_be_visible(timeout=WAIT_MS)
            # The evidence: the claims' source lists with their locators.
            expect(page.get_by_text("Sources (", exact=False).first).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text("single source", exact=False).first).to_be_visible()
            page.wait_for_timeout(4000)  # let the network layout settle for the picture
            page.screenshot(path=str(SCREENSHOTS / "profile.png"))

            # A click on a neighbour opens its profile. vis.js draws on a canvas and the layout
            # is physical, so the test probes a grid around the centre until it hits a node.
            canvas = network.locator("canvas")
            box = canvas.bounding_box()
            assert box is not None
            for dx, dy in probe_points():
                canvas.click(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy})
                page.wait_for_timeout(120)
                if "clearview-ai" not in page.url:
                    break
            assert "profile?id=" in page.url and "clearview-ai" not in page.url, page.url
            expect(page.get_by_role("heading", level=1)).not_to_have_text("Clearview AI",
                                                                          timeout=WAIT_MS)

            page.get_by_test_id("stSidebar").get_by_text("Français", exact=True).click()
            expect(page.get_by_role("heading", name="Voisinage")).to_be_visible(timeout=WAIT_MS)
        finally:
            browser.close()
    assert (SCREENSHOTS / "profile.png").stat().st_size > 10_000


def test_map_draws_country_shapes_with_no_request_off_this_machine(dashboard: str,
                                                                   chromium: str) -> None:
    """The map page with every request off this machine blocked: the countries are still drawn."""
    from playwright.sync_api import Route, expect, sync_playwright

    blocked: list[str] = []

    def local_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.route("**/*", local_only)
            page.goto(f"{dashboard}/map")
            svg = page.get_by_test_id("stVegaLiteChart").locator("svg.marks").first
            # Vega-Lite names each layer's marks: 0 is the grey world, 1 the shaded countries.
            world, shaded = svg.locator("g.layer_0_marks path"), svg.locator("g.layer_1_marks path")
            expect(world.nth(200)).to_be_attached(timeout=WAIT_MS)
            expect(shaded.first).to_be_attached(timeout=WAIT_MS)
            box = svg.bounding_box()
            assert box is not None
            # Each path's on-screen box, as a share of the chart: a ring wound the wrong way is
            # drawn as the rest of the globe and covers the chart (Russia, which spans the date
            # line, covers a quarter).
            shares = [area / (box["width"] * box["height"]) for area in svg.locator(
                "g.layer_0_marks path, g.layer_1_marks path").evaluate_all(
                "paths => paths.map(p => { const r = p.getBoundingClientRect(); return r.width * r.height; })")]
            assert len(shares) > 200
            assert sum(1 for share in shares if share > 0) > 200  # real outlines, not empty paths
            assert max(shares) < 0.5, sorted(shares)[-3:]
            assert shaded.first.get_attribute("fill") not in {None, "#e4e4e4"}
        finally:
            browser.close()
    # Streamlit's frontend itself asks Google Fonts for a Material Symbols icon (the data grid's
    # toolbar); blocked, the icon is missing and nothing else. Nothing else may leave the page.
    assert [url for url in blocked if not url.startswith(STREAMLIT_ICON_FONT)] == []
