"""The navigation's search in a real browser, at desktop and phone width: a new user finds a village by its name
and a household by a member's whole resident ID (shown masked), with the keyboard and by clicking; partial ID
digits find nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from households.models import Member
from povertyboard.access import COUNTY_STAFF
from povertyboard.resident_ids import mask_resident_id
from villages.models import County, UserArea, Village

PASSWORD = "search-new-user-1"
MASKED = re.compile(r"632801\*{8}\d{3}[\dX]")


@pytest.fixture(params=["browser", "phone"])
def screen(request):
    return request.param, request.getfixturevalue(request.param)


def new_user() -> str:
    """A county-staff account of 格尔木市 made just now: nothing of it is in the seed."""
    user = get_user_model().objects.create_user("search-newcomer", password=PASSWORD)
    user.groups.add(Group.objects.get(name=COUNTY_STAFF))
    UserArea.objects.create(user=user, county=County.objects.get(code="632801"))
    return user.username


def search_box(browser, width):
    """The navigation's search box, the phone's collapsed menu opened first (if it is not open)."""
    page = browser.page
    if width == "phone" and not page.locator("#site-search-q").is_visible():
        page.click(".navbar-toggler")
        page.wait_for_selector("#site-search-q", state="visible")
    box = page.locator("#site-search-q")
    box.click()
    return box


def test_a_new_user_finds_a_village_and_a_household_from_the_navigation(screen):
    width, browser = screen
    page = browser.page
    browser.login(new_user(), PASSWORD)
    village = Village.objects.filter(county__code="632801", households__members__isnull=False).order_by("code").first()
    member = Member.objects.filter(household__village=village).exclude(relation="head").order_by("pk").first()

    # a village by its name: the suggestion chosen with the arrow keys, opened with Enter
    box = search_box(browser, width)
    box.press_sequentially(village.name)
    village_url = reverse("areas:village", args=[village.code])
    option = page.locator(f'#site-search-list [role=option][href="{village_url}"]')
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    browser.shot(f"search-1-village-suggestions-{width}", full_page=False)
    for _ in range(page.locator("#site-search-list [role=option]").count()):
        box.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"**{village_url}")
    assert village.name in page.locator("h1").inner_text()

    # a household by a member's whole ID: the suggestion shows the ID masked, a click opens the household
    box = search_box(browser, width)
    box.press_sequentially(member.id_number)
    household_url = reverse("households:detail", args=[member.household_id])
    option = page.locator(f'#site-search-list [role=option][href="{household_url}"]')
    option.wait_for()
    assert mask_resident_id(member.id_number) in option.inner_text()
    assert member.id_number not in page.locator("#site-search-list").inner_text()  # (only the typed query has it)
    browser.shot(f"search-2-id-suggestion-{width}", full_page=False)
    option.click()
    page.wait_for_url(f"**{household_url}")

    # partial digits of the ID (the first 17, the birth date): nothing, in the list and on the results page
    for partial in (member.id_number[:17], member.id_number[6:14]):
        box = search_box(browser, width)
        box.fill("")
        with page.expect_response(lambda r, partial=partial: "suggestions" in r.url and partial in r.url):
            box.press_sequentially(partial)
        page.locator("#site-search-list .search-empty").wait_for()
        assert page.locator("#site-search-list [role=option]").count() == 0
    browser.shot(f"search-3-partial-digits-{width}", full_page=False)
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("Enter")  # no option chosen: the form opens the full results page
    page.wait_for_url("**/search/?q=*")
    assert "没有找到" in page.locator("main").inner_text()
    browser.shot(f"search-4-results-nothing-{width}")


def test_the_results_page_groups_the_hits_and_masks_the_id(browser):
    page = browser.page
    browser.login(new_user(), PASSWORD)
    member = Member.objects.filter(household__village__county__code="632801").order_by("pk").first()
    box = search_box(browser, "browser")
    box.fill(member.id_number)
    box.press("Enter")  # no option chosen: the full results page
    page.wait_for_url("**/search/?q=*")
    main = page.locator("main").inner_text()
    assert MASKED.search(main) and member.id_number not in page.content(), main
    assert page.locator("#search-page-q").input_value() == ""  # the heading names the query, masked
    browser.shot("search-5-results-id")
    page.click(f'main a[href="{reverse("households:detail", args=[member.household_id])}"]')
    page.wait_for_url("**/households/*/")
