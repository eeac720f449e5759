"""Analysts' tasks in a real headless Chromium, asserting on what the page shows.

Runs ``streamlit run app.py`` (with the repository's .streamlit/config.toml) on a free port
against the bundled data, with every request off this machine blocked and recorded, and does
what an analyst does: find an entity by a typo while typing; read who funded it, with amounts;
list every regulator action against it by country and export it; find a sourced path from an
investor to a police customer; open a source and see the claims resting on it; click through
the network; switch to French. It saves the screenshots the README shows.

Streamlit's data grid draws on a canvas; its cells are also written into an accessible
``<table role="grid">`` that screen readers use, which is what these tests read.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, Route

from graph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 60
WAIT_MS = 30_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

pytestmark = pytest.mark.browser  # skipped without Chromium: see tests/conftest.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def store(bundled_store: Settings) -> Settings:
    """The bundled data: the scenarios name its entities and sources."""
    return bundled_store


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


class Browser:
    """One page in Chromium with outside requests blocked and console errors recorded."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.blocked: list[str] = []
        self.console: list[str] = []
        page.route("**/*", self._local_only)
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)

    def _local_only(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.base}/{path}")
        return self.page

    def cell(self, text: str, *, exact: bool = True) -> Locator:
        """A data-grid cell (the grid's accessible table) with this text."""
        cells = self.page.locator("[data-testid=stDataFrame] td[role=gridcell]")
        if exact:
            return cells.filter(has_text=re.compile(rf"^{re.escape(text)}$"))
        return cells.filter(has_text=text)

    def check_clean(self) -> None:
        assert self.blocked == [], self.blocked
        vis = [m for m in self.console if "Unknown option" in m or "Invalid type" in m]
        assert vis == [], vis
        assert not self.page.get_by_test_id("stException").count(), "a traceback is shown"


@pytest.fixture
def browser(dashboard: str, chromium: str) -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = chrome.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(WAIT_MS)
            session = Browser(page, dashboard)
            yield session
            session.check_clean()
        finally:
            chrome.close()


def test_find_an_entity_by_a_typo_while_typing(browser: Browser) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.open("")
    search = page.get_by_placeholder("Name, alias or acronym", exact=False)
    search.press_sequentially("clearveiw", delay=40)  # a typo, and no Enter
    result = page.get_by_role("link", name="Clearview AI", exact=False).first
    expect(result).to_be_visible()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SCREENSHOTS / "home.png"))
    result.focus()  # results are links: the keyboard reaches and opens them
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Clearview AI", level=1)).to_be_visible()
    assert "profile?id=clearview-ai" in page.url


def test_read_who_funded_it_with_amounts(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("profile?id=clearview-ai")
    expect(page.get_by_role("heading", name="Clearview AI", level=1)).to_be_visible()
    index = page.locator(".st-key-profile_index")
    index.get_by_role("link", name="Funding", exact=False).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Funding \(\d+\)"))).to_be_in_viewport()
    # The index stays on screen while scrolling, just under the toolbar (asked until the smooth
    # scroll has settled: measured mid-animation it can still be a few pixels above the top).
    page.wait_for_function(
        "() => { const r = document.querySelector('.st-key-profile_index')"
        ".getBoundingClientRect(); return r.top >= 0 && r.top < 120; }", timeout=10_000)
    top = index.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < 120, top
    expect(browser.cell("Peter Thiel").first).to_be_attached()
    expect(browser.cell("30000000").first).to_be_attached()  # an amount, as a number
    expect(browser.cell("USD").first).to_be_attached()
    page.wait_for_timeout(2500)  # let the network settle for the picture
    page.get_by_role("heading", name="Clearview AI", level=1).scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "profile.png"))


def test_list_regulator_actions_by_country_and_export_them(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("regulatory?entity=clearview-ai")
    expect(page.get_by_role("heading", name="Regulatory actions", level=1)).to_be_visible()
    expect(browser.cell("Clearview AI").first).to_be_attached()
    countries = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Countries")
    countries.click()
    page.keyboard.type("France")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.get_by_text("claims.", exact=False).first).to_be_visible()
    expect(browser.cell("FR").first).to_be_attached()
    expect(browser.cell("CNIL (French data protection authority)").first).to_be_attached()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "regulatory.png"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV", exact=False).click()
    frame = pd.read_csv(download.value.path(), dtype=str, keep_default_na=False)
    # The export is what the filters show: French actions against Clearview AI, one per row.
    assert frame["claim"].is_unique and len(frame) >= 5
    assert ((frame["subject_id"] == "clearview-ai") | (frame["object_id"] == "clearview-ai")).all()
    assert ((frame["subject_country"] == "FR") | (frame["object_country"] == "FR")).all()
    cnil = frame[frame["subject_id"] == "cnil"]
    assert not cnil.empty and set(cnil["subject_country"]) == {"FR"}
    amounts = pd.to_numeric(frame["amount"].replace("", None), errors="raise").dropna()
    assert amounts.max() >= 20_000_000  # CNIL's EUR 20 M fine, as a number


def test_find_a_sourced_path_from_an_investor_to_a_police_customer(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("paths?from=peter-thiel&to=nypd")
    expect(page.get_by_text("path", exact=False).first).to_be_visible()
    first = page.get_by_test_id("stExpander").first
    expect(first).to_contain_text("Peter Thiel")
    expect(first).to_contain_text("New York City Police Department")
    expect(first.get_by_text("invested in", exact=False).first).to_be_visible()
    expect(first.get_by_role("link").first).to_be_visible()  # each hop lists its sources
    assert "2017-01-01" not in first.inner_text()  # a year stays a year


def test_open_a_source_and_see_the_claims_resting_on_it(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("sources?source=fr-clearview-federal-contracts-2022")
    # The most cited source has no URL and no known publisher: it once crashed the page.
    expect(page.get_by_role("heading", name="Article français", exact=False)).to_be_visible()
    expect(page.get_by_text("no link recorded").first).to_be_visible()
    expect(page.get_by_text("Claims it supports (66)")).to_be_visible()
    expect(browser.cell("has a contract with").first).to_be_attached()


def test_click_through_the_network_to_another_profile(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("network?entity=clearview-ai")
    network = page.frame_locator("iframe[title='streamlit_agraph.agraph']")
    canvas = network.locator("canvas")
    expect(canvas).to_be_visible()
    expect(page.locator(".cst-legend")).to_contain_text("data-protection authority (")
    page.wait_for_timeout(2500)
    box = canvas.bounding_box()
    assert box is not None
    for dx, dy in probe_points():
        canvas.click(position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy})
        page.wait_for_timeout(150)
        if "profile?id=" in page.url:
            break
    assert "profile?id=" in page.url, page.url
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_switch_to_french(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("profile?id=clearview-ai")
    expect(page.get_by_role("heading", name="Clearview AI", level=1)).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("Français", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Financement \(\d+\)"))).to_be_visible()
    expect(page.get_by_role("heading", name="Voisinage")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Actions des régulateurs")).to_be_visible()


def test_map_draws_country_shapes_with_no_request_off_this_machine(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open("map")
    svg = page.get_by_test_id("stVegaLiteChart").locator("svg.marks").first
    # Vega-Lite names each layer's marks: 0 is the grey world, 1 the shaded countries.
    world, shaded = svg.locator("g.layer_0_marks path"), svg.locator("g.layer_1_marks path")
    expect(world.nth(200)).to_be_attached()
    expect(shaded.first).to_be_attached()
    box = svg.bounding_box()
    assert box is not None
    # Each path's on-screen box, as a share of the chart: a ring wound the wrong way is drawn
    # as the rest of the globe and covers the chart.
    shares = [area / (box["width"] * box["height"]) for area in svg.locator(
        "g.layer_0_marks path, g.layer_1_marks path").evaluate_all(
        "paths => paths.map(p => { const r = p.getBoundingClientRect(); return r.width * r.height; })")]
    assert sum(1 for share in shares if share > 0) > 200
    assert max(shares) < 0.5, sorted(shares)[-3:]
    assert shaded.first.get_attribute("fill") not in {None, "#e4e4e4"}
