"""Issue 32, items 1 and 2: each role lands on its work; a wrong link is the site's page with a way back."""

from households.models import Household


def test_a_cadre_lands_on_their_work_and_a_wrong_link_leads_back(phone):
    phone.login("cadre")
    page = phone.page
    assert page.url == phone.base_url + "/work/"
    work_heading = page.locator("main h1").first.inner_text()

    elsewhere = Household.objects.filter(village__township__county__code="632821").order_by("pk").first()
    response = page.goto(f"{phone.base_url}/households/{elsewhere.pk}/", referer=phone.base_url + "/work/")
    assert response.status == 404
    assert page.locator("main h1").inner_text() == "页面不存在"
    assert "不在您负责的地区内" in page.locator("main").inner_text()
    assert page.locator("nav.navbar").count() == 1  # the site's layout, its menu the way on
    phone.shot("404-cadre-phone")
    page.click("text=返回上一页")
    page.wait_for_load_state("networkidle")
    assert page.url == phone.base_url + "/work/"
    assert page.locator("main h1").first.inner_text() == work_heading
    # the one expected failure, as the network and the console report it
    assert phone.problems == [f"HTTP 404: {phone.base_url}/households/{elsewhere.pk}/",
                              "console: Failed to load resource: the server responded with a status of 404 (Not Found)"]
    phone.problems.clear()
