"""Area pages in a real browser: county dashboard, township, village (six charts) and map; printing is in
test_print.py.

The `browser` fixture fails a test on any console error or failed request.
"""

from households.models import Household
from villages.models import Township, Village

SIX = ("distribution", "causes", "responsibility", "measures", "funds", "progress")


def test_county_dashboard_draws_its_charts(browser):
    browser.login("staff")
    page = browser.page
    assert page.url.endswith("/areas/632821/"), "staff lands on the dashboard of their county"
    for chart in SIX + ("economy",):
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        assert canvas.get_attribute("data-drawn") == "true", chart
        assert int(canvas.get_attribute("data-points")) > 0, chart
    assert page.locator('[data-figure="identified-households"]').inner_text() == "405"
    browser.shot("area-county")


def test_township_page_and_drill_down_to_village(browser):
    browser.login("golmud")
    township = Township.objects.get(name="郭勒木德镇")
    browser.goto(f"/areas/township/{township.pk}/")
    page = browser.page
    for chart in SIX:
        assert page.locator(f'canvas[data-chart="{chart}"]').get_attribute("data-drawn") == "true", chart
    browser.shot("area-township")
    page.locator("table a", has_text="中村委会").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/areas/village/632801100200/")


def test_village_page_six_charts(browser):
    browser.login("golmud")
    village = Village.objects.filter(township__county__code="632801", is_poor=True).order_by("code").first()
    browser.goto(f"/areas/village/{village.code}/")
    page = browser.page
    for chart in SIX:
        canvas = page.locator(f'canvas[data-chart="{chart}"]')
        assert canvas.get_attribute("data-drawn") == "true", chart
        assert int(canvas.get_attribute("data-points")) > 0, chart
    households = Household.objects.filter(village=village).count()
    assert page.locator('[data-figure="identified-households"]').inner_text() == f"{households:,}"
    assert "第一书记" in page.locator(".team-card").inner_text()
    browser.shot("area-village")


def test_map_shows_the_villages_without_tiles(browser):
    browser.login("staff")
    browser.goto("/areas/632821/map/")
    page = browser.page
    element = page.locator("#village-map")
    assert element.get_attribute("data-drawn") == "true"
    # a dot per village with a position: the seed places the demo village committees; the residents'
    # committees it leaves alone have none and are listed in the table below the map with "—"
    assert int(element.get_attribute("data-markers")) == Village.objects.filter(
        township__county__code="632821", latitude__isnull=False).count() == 38
    assert page.locator(".leaflet-tile").count() == 0  # no tile server configured: works offline
    assert page.locator("path.leaflet-interactive").count() == int(element.get_attribute("data-markers"))
    browser.shot("area-map")
    page.locator("path.leaflet-interactive").first.click(force=True)
    page.wait_for_load_state("networkidle")
    assert "/areas/village/" in page.url


def test_dashboard_on_a_phone(phone):
    phone.login("staff")
    phone.shot("area-county-phone")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "no horizontal scrolling on a phone"
