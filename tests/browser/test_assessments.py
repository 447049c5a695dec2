"""A supervisor scores the seeded 2016 Golmud period in the browser, opens a 鉴定挂图 and prints it on one A4 page."""

import re

from assessments.models import Scorecard


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_supervisor_scores_and_prints_a_cadre_sheet(browser):
    page = browser.page
    browser.login("supervisor")
    browser.goto("/assessments/")
    page.click("text=2016年度")
    page.click("button:has-text('计算')")
    page.wait_for_load_state("networkidle")
    assert "已计算 40 名干部的记分卡" in page.content()
    rows = page.locator("table.scorecards tbody tr")
    assert rows.count() == 40
    browser.shot("assessment-scorecards")

    best = Scorecard.objects.filter(period__name="2016年度", rank=1).select_related("cadre").first()
    page.click(f"table.scorecards >> text={best.cadre.name}")
    page.wait_for_selector("#attendance-chart[data-drawn='true']")
    assert page.locator("#attendance-chart").get_attribute("data-points") == "12"
    assert str(best.total) in page.locator(".cadre-sheet header").inner_text()
    browser.shot("assessment-sheet")

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 1
    browser.shot("assessment-sheet-print")
