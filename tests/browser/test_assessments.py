"""A supervisor scores the seeded 2016 Golmud period in the browser, opens a 鉴定挂图 (printing: test_print.py)."""

from assessments.models import Scorecard


def test_supervisor_scores_and_opens_a_cadre_sheet(browser):
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
