"""The household drill-down in a real browser: village → household list → filter → household page."""

import re

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from households.models import Household

VILLAGE = "632801100200"  # the first village of 格尔木市 the seed uses (中村委会)
MASKED_ID = re.compile(r"^632801\*{8}\d{3}[\dX]$")


def village_page_url() -> str | None:
    try:
        return reverse("areas:village", args=[VILLAGE])
    except NoReverseMatch:  # the village page is not there yet: start from the household list
        return None


def open_village_household_list(browser):
    page = browser.page
    village_url = village_page_url()
    if village_url:
        browser.goto(village_url)
        browser.shot("households-0-village-page", full_page=False)
        page.click(f'main a[href$="/households/?village={VILLAGE}"]')
        page.wait_for_load_state("networkidle")
    else:
        browser.goto(f"/households/?village={VILLAGE}")
    assert f"village={VILLAGE}" in page.url


def test_drill_down_from_the_village_to_a_household(browser):
    browser.login("golmud")
    page = browser.page
    open_village_household_list(browser)
    assert page.locator("h1").inner_text().startswith("中村委会")
    assert page.locator("tr.household-row").count() > 1
    browser.shot("households-1-list")

    # filter by status
    page.select_option("#id_status", "assisted")
    page.click("form.household-filter-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "status=assisted" in page.url and f"village={VILLAGE}" in page.url
    statuses = page.locator("tr.household-row .household-status").all_inner_texts()
    assert statuses and set(statuses) == {"帮扶中"}
    assert "共" in page.locator(".result-count").inner_text()
    browser.shot("households-2-filtered")

    # sort by members, descending (two clicks on the header)
    page.click("th.sort-members a")
    page.wait_for_load_state("networkidle")
    page.click("th.sort-members a")
    page.wait_for_load_state("networkidle")
    assert "sort=-members" in page.url and "status=assisted" in page.url
    counts = [int(t) for t in page.locator("tr.household-row td.num:nth-child(7)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)

    # open a household
    head = page.locator("a.household-link").first.inner_text()
    page.locator("a.household-link").first.click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/households/\d+/$", page.url)
    assert head in page.locator("h1").inner_text()
    assert page.locator("h1 .demo-badge").is_visible()
    ids = page.locator("table.household-members td.resident-id").all_inner_texts()
    assert ids and all(MASKED_ID.match(i.strip()) for i in ids), ids
    assert page.locator("table.household-members").is_visible()
    browser.shot("households-3-household")

    # a change made by a user shows in the history: who, which field, old → new
    household = Household.objects.get(pk=int(re.search(r"/households/(\d+)/$", page.url).group(1)))
    with set_actor(get_user_model().objects.get(username="golmud")):
        household.group_no = 1 if household.group_no != 1 else 2
        old = household.get_aspiration_display()
        household.aspiration = "ecology" if household.aspiration != "ecology" else "finance"
        household.save()
    page.reload()
    page.wait_for_load_state("networkidle")
    history = page.locator(".history-table tbody tr").first.inner_text()
    assert "golmud" in history and "脱贫意愿" in history and f"{old} → {household.get_aspiration_display()}" in history
    page.locator(".history").scroll_into_view_if_needed()
    browser.shot("households-4-history", full_page=False)

    # the breadcrumbs lead back to the village's list
    page.click('.breadcrumb a:text("贫困户名单")')
    page.wait_for_load_state("networkidle")
    assert f"village={VILLAGE}" in page.url


def test_household_list_at_phone_width(phone):
    phone.login("golmud")
    page = phone.page
    phone.goto("/households/")
    assert not page.locator("#household-filters").is_visible()  # collapsed behind a button
    phone.shot("households-phone-1-collapsed")
    page.click("button[aria-controls=household-filters]")
    page.locator("#household-filters").wait_for(state="visible")
    page.select_option("#id_village", VILLAGE)
    page.select_option("#id_status", "exited")
    phone.shot("households-phone-2-form")
    page.click("form.household-filter-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("tr.household-row")
    assert rows.count() >= 1
    # the form folds away again; the button counts the active filters
    assert not page.locator("#household-filters").is_visible()
    assert page.locator("button[aria-controls=household-filters] .badge").inner_text() == "2"
    assert set(page.locator("tr.household-row .household-status").all_inner_texts()) == {"已脱贫"}
    # no sideways scrolling of the page itself; hidden columns stay hidden
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert not page.locator("th.sort-village").is_visible()
    assert page.locator("th.sort-income").is_visible()
    box = page.locator("th.sort-income").bounding_box()
    assert box["x"] + box["width"] <= 390, box  # the income column is on screen without scrolling
    assert page.locator("a.household-link").first.is_visible()
    phone.shot("households-phone-3-list")
    page.locator("a.household-link").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.household-members").is_visible()
    phone.shot("households-phone-4-household")
