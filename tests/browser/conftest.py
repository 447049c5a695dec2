"""Browser tests: real pages of a live server driven in Debian's headless Chromium (Playwright).

Each test gets a fresh seeded database (live_server flushes between tests), a page that records
console errors and failed requests (the test fails on any), and `shot(name)` to keep a screenshot
under test-artifacts/screenshots/ for people to look at.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (seeding, checking rows) are still synchronous, so Django's async-safety guard must be lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    from demo.seed import seed_reports

    seed_reports()


class Browser:
    """A page on the live server that records every console error and failed request."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.problems = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def login(self, username: str, password: str | None = None):
        from demo.seed import DEMO_PASSWORD

        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password or DEMO_PASSWORD)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _browser(chromium, live_server, viewport):
    context = chromium.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    browser = Browser(page, live_server.url)
    yield browser
    context.close()
    assert not browser.problems, "\n".join(browser.problems)


@pytest.fixture
def browser(chromium, live_server, seeded):
    """A desktop-sized page on the live server with the seeded demo data."""
    yield from _browser(chromium, live_server, DESKTOP)


@pytest.fixture
def phone(chromium, live_server, seeded):
    """A phone-sized page on the live server with the seeded demo data."""
    yield from _browser(chromium, live_server, PHONE)



A4_PORTRAIT = (595, 842)  # PDF points, rounded
A3_LANDSCAPE = (1191, 842)
# the paper less the CSS's 10 mm margins, in CSS pixels (96 per inch): what a printed page lays out in
PRINTABLE = {A4_PORTRAIT: {"width": 718, "height": 1047}, A3_LANDSCAPE: {"width": 1512, "height": 1047}}
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


def pdf_page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """The (width, height) of each page of a PDF Chromium printed, in points, rounded: Chromium writes each page
    object uncompressed with its own /MediaBox, so a regex finds them in page order."""
    return [(round(float(x1) - float(x0)), round(float(y1) - float(y0)))
            for x0, y0, x1, y1 in MEDIA_BOX.findall(pdf)]


def print_pdf(page, name: str, paper: tuple[int, int] = A4_PORTRAIT) -> list[tuple[int, int]]:
    """Print the page as the browser's print dialog would and return its page sizes; the PDF is kept under
    test-artifacts/screenshots/. page.pdf is given no format: the CSS's @page rules choose the paper. The page is
    first laid out in print media at the printable width of the `paper` the CSS should choose, as a print
    lays it out, so the charts (which redraw on the change to print media) are drawn at their printed size;
    the page's elements can be measured afterwards as printed."""
    page.set_viewport_size(PRINTABLE[paper])
    page.emulate_media(media="print")
    page.evaluate("() => new Promise(requestAnimationFrame)")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.pdf").write_bytes(pdf)
    return pdf_page_sizes(pdf)
