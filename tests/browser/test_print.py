"""Printing: each kind of page on the paper the office has (A4 portrait), the village wall chart on one A3
landscape sheet. The @page rules of the CSS decide the paper (page.pdf is not told a format); each PDF is kept
under test-artifacts/screenshots/ for people to look at.
"""

from assessments.models import AssessmentPeriod
from assessments.services import score_period
from households.models import Household
from tests.browser.conftest import A3_LANDSCAPE, A4_PORTRAIT, print_pdf
from villages.models import Township, Village

PT = 4 / 3  # CSS pixels per point


def box(page, selector: str) -> dict:
    element = page.locator(selector).first
    assert element.is_visible(), f"{selector} is not printed"
    return element.bounding_box()


def overlaps(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def font_pt(page, selector: str) -> float:
    """The smallest computed font size, in points, of the visible elements the selector finds."""
    sizes = page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes, selector
    return round(min(sizes) / PT, 2)


CHART_FONT_PX = """() => [...document.querySelectorAll("canvas[data-chart]")].flatMap(canvas => {
    const chart = window.Chart.getChart(canvas);
    const own = [chart.legend.options.labels.font,
                 ...Object.values(chart.scales).map(scale => scale.options.ticks.font)];
    return [chart.options.font, ...own.filter(Boolean)].map(font => font.size);
})"""


def chart_font_px(page) -> list[float]:
    """The font size of each area chart's legend and axis labels, in CSS pixels: the chart's own font (Chart.js
    resolves no size of its own for a legend or an axis unless one is set, and draws them in the chart's)."""
    return page.evaluate(CHART_FONT_PX)


def wait_for_chart_font_px(page, size: float) -> None:
    """Until every chart has redrawn in `size` (the media change reaches the charts' listeners a few frames on,
    later on a loaded machine)."""
    page.wait_for_function(f"() => ({CHART_FONT_PX})().every(px => px === {size})", timeout=10_000)


def test_county_dashboard_prints_on_a4_with_the_township_table(browser):
    browser.login("staff")
    page = browser.page
    sizes = print_pdf(page, "print-county")
    assert sizes == [A4_PORTRAIT] * 2  # figures and four charts; three charts, funds and townships
    assert box(page, "section[aria-labelledby=children-title] table")["height"] > 100
    assert page.locator("section[aria-labelledby=children-title] tbody tr").count() == 5
    assert not page.locator(".chart-data").first.is_visible()


def test_township_page_prints_on_a4(browser):
    browser.login("golmud")
    browser.goto(f"/areas/township/{Township.objects.get(name='郭勒木德镇').pk}/")
    page = browser.page
    sizes = print_pdf(page, "print-township")
    assert sizes == [A4_PORTRAIT] * 3
    assert box(page, "section[aria-labelledby=children-title] table")["height"] > 100


def test_village_wall_chart_prints_on_one_a3_landscape_sheet(browser):
    browser.login("golmud")
    village = Village.objects.filter(township__county__code="632801", is_poor=True).order_by("code").first()
    browser.goto(f"/areas/village/{village.code}/")
    page = browser.page
    assert set(chart_font_px(page)) == {12}  # the screen's
    page.emulate_media(media="print")
    wait_for_chart_font_px(page, 14)
    assert set(chart_font_px(page)) == {14}  # 10.5 pt on paper (afterprint puts back the screen's)

    sizes = print_pdf(page, "print-village-wall-chart", A3_LANDSCAPE)
    assert sizes == [A3_LANDSCAPE]
    # the sheet's own dates, the funds and the team; no navigation, and none of the screen's hints
    assert page.locator(".as-of").is_visible() and page.locator(".printed").is_visible()
    assert box(page, "#funds-title") and box(page, ".team-card")
    for hint in (".site-nav", ".site-footer", "[data-action=print]", ".chart-data", ".source-link",
                 ".definition .no-print"):
        assert not page.locator(hint).first.is_visible(), hint
    # it fills the sheet: the page's content is as tall as the printable area, within 5 mm
    assert abs(page.evaluate("document.querySelector('.area-village').offsetHeight") - 1047) < 5 * 96 / 25.4
    # read on a wall: every label at 10 pt or more, the charts' drawn labels too
    for labels in (".stat-grid dt", ".stat-grid .unit", ".chart-note", ".definition", ".team-list",
                   ".funds-card .table"):
        assert font_pt(page, labels) >= 10, labels
    browser.shot("print-village-wall-chart", full_page=False)


def test_household_page_prints_on_one_a4_page(browser):
    browser.login("golmud")
    household = Household.objects.filter(village__code="632801100200").order_by("number").first()
    browser.goto(f"/households/{household.pk}/")
    page = browser.page
    assert print_pdf(page, "print-household") == [A4_PORTRAIT]
    assert box(page, ".household-members") and box(page, ".household-visits")


def test_rows_page_prints_on_a4_with_the_header_on_every_page(browser):
    browser.login("staff")
    page = browser.page
    page.click('[data-figure="identified-households"]')
    page.wait_for_load_state("networkidle")
    sizes = print_pdf(page, "print-rows")
    assert len(sizes) > 1 and set(sizes) == {A4_PORTRAIT}
    thead = page.locator(".rows-table thead")
    assert thead.evaluate("e => getComputedStyle(e).display") == "table-header-group"
    table = box(page, ".rows-table")
    assert table["x"] + table["width"] <= 718 + 1, "the table fits the page's width"


def test_scorecards_and_a_cadre_sheet_print_on_one_a4_page_each(browser):
    period = AssessmentPeriod.objects.get(name="2016年度")
    cards = score_period(period)
    browser.login("supervisor")
    page = browser.page
    browser.goto(f"/assessments/{period.pk}/")
    assert print_pdf(page, "print-scorecards") == [A4_PORTRAIT]
    assert page.locator("table.scorecards tbody tr").count() == 40

    best = min((c for c in cards if c.rank), key=lambda c: c.rank)
    browser.goto(f"/assessments/{period.pk}/cadres/{best.cadre_id}/")
    page.wait_for_selector("#attendance-chart[data-drawn='true']")
    assert print_pdf(page, "print-cadre-sheet") == [A4_PORTRAIT]
    chart, frame = box(page, "#attendance-chart"), box(page, ".cadre-sheet .chart-box")
    assert chart["y"] + chart["height"] <= frame["y"] + frame["height"] + 1, "the chart stays in its box"
    assert chart["x"] + chart["width"] <= 718 + 1
    assert not overlaps(chart, box(page, "table.attendance"))
    assert not overlaps(chart, box(page, "table.components"))
