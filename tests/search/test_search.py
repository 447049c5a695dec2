"""The one search on the seeded data: its page, the navigation's suggestions and the API give the same hits,
scoped to the user's area, grouped by kind; whole IDs and phones by exact match only, shown masked."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from cadres.models import Cadre
from households.models import Household, Member
from povertyboard.privacy import mask_phone
from povertyboard.resident_ids import mask_resident_id
from villages.models import County, Village

PAGE, SUGGESTIONS, API = "search:results", "search:suggestions", "api:search-list"


@pytest.fixture
def golmud_member(seeded):
    """A Golmud household's member who is not its head, with a mobile number on the household."""
    member = Member.objects.in_county(County.objects.get(code="632801")).exclude(relation="head").order_by("pk").first()
    Household.objects.filter(pk=member.household_id).update(phone="13812345678")
    return member


def as_user(username):
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def api(username, q):
    return as_user(username).get(reverse(API), {"q": q})


def groups(response) -> dict:
    return {group["kind"]: group["hits"] for group in response.json()["groups"]}


def household_urls(response) -> list[str]:
    return [hit["url"] for hit in groups(response).get("households", [])]


def test_a_whole_id_finds_its_household_masked(golmud_member):
    response = api("golmud", golmud_member.id_number)
    assert response.status_code == 200
    assert household_urls(response) == [reverse("households:detail", args=[golmud_member.household_id])]
    body = response.content.decode()
    assert golmud_member.id_number not in body and mask_resident_id(golmud_member.id_number) in body
    assert response.json()["query"] == mask_resident_id(golmud_member.id_number)


def test_the_administrator_sees_the_id_whole(golmud_member):
    response = api("admin", golmud_member.id_number)
    assert golmud_member.id_number in groups(response)["households"][0]["detail"]


def test_another_countys_id_finds_nothing(golmud_member):
    assert api("staff", golmud_member.id_number).json()["groups"] == []  # staff works in Wulan


def test_partial_id_digits_find_no_person(golmud_member):
    id_number = golmud_member.id_number
    for partial in (id_number[:17], id_number[-6:], id_number[6:14], id_number[:16] + "0"):
        assert api("admin", partial).json()["groups"] == [], partial
    # the area code is a county code: it finds places by code and households by number, no member by their ID
    hits = groups(api("admin", id_number[:6]))
    assert all(golmud_member.name not in hit["detail"] for hit in hits.get("households", []))


def test_a_whole_phone_finds_its_household_masked_and_part_of_it_nothing(golmud_member):
    response = api("golmud", "13812345678")
    assert household_urls(response) == [reverse("households:detail", args=[golmud_member.household_id])]
    assert "13812345678" not in response.content.decode() and mask_phone("13812345678") in response.content.decode()
    assert api("golmud", "1381234567").json()["groups"] == [] and api("golmud", "12345678").json()["groups"] == []
    assert api("staff", "13812345678").json()["groups"] == []


def test_a_cadres_phone_finds_the_cadre(seeded):
    cadre = Cadre.objects.filter(county__code="632801").order_by("pk").first()
    Cadre.objects.filter(pk=cadre.pk).update(phone="13711112222")
    assert [hit["title"] for hit in groups(api("golmud", "13711112222"))["cadres"]] == [cadre.name]


def test_a_members_name_and_a_village_name_are_grouped_by_kind(golmud_member):
    response = api("golmud", golmud_member.name)
    assert reverse("households:detail", args=[golmud_member.household_id]) in household_urls(response)
    village = Village.objects.filter(county__code="632801").order_by("code").first()
    found = groups(api("golmud", village.name))
    assert reverse("areas:village", args=[village.code]) in [hit["url"] for hit in found["villages"]]
    assert [group["kind"] for group in api("golmud", village.code[:6]).json()["groups"]][:2] == [
        "households", "villages"]  # in the order of KINDS


def test_names_in_another_county_are_not_found(seeded):
    wulan_village = Village.objects.filter(county__code="632821").order_by("code").first()
    assert "villages" not in groups(api("golmud", wulan_village.name))
    assert "villages" in groups(api("staff", wulan_village.name))


@pytest.mark.parametrize(("q", "status", "says"), [
    ("", 400, "两个字"), ("张", 400, "两个字"), ("张" * 101, 400, "100"), ("张\x01三", 400, "控制字符"),
])
def test_the_api_refuses_bad_queries_as_json(seeded, q, status, says):
    response = api("golmud", q)
    assert response.status_code == status and says in response.json()["q"][0]


def test_the_suggestions_give_five_per_kind_as_json(seeded, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(reverse(SUGGESTIONS), {"q": "6328"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    kinds = {group["kind"]: group for group in response.json()["groups"]}
    assert len(kinds["households"]["hits"]) == 5 and kinds["households"]["more"]
    assert client.get(reverse(SUGGESTIONS), {"q": "张\x02"}).status_code == 400


def test_the_page_lists_the_groups_with_links(golmud_member, client):
    client.force_login(get_user_model().objects.get(username="golmud"))
    response = client.get(reverse(PAGE), {"q": golmud_member.id_number})
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("households:detail", args=[golmud_member.household_id]) in html
    assert golmud_member.id_number not in html and mask_resident_id(golmud_member.id_number) in html


@pytest.mark.parametrize(("q", "status", "says"), [
    ("", 200, None), ("张", 200, "请至少输入两个字"), ("张" * 101, 400, "100"), ("张\x01三", 400, "控制字符"),
])
def test_the_page_asks_for_more_or_refuses(seeded, client, q, status, says):
    client.force_login(get_user_model().objects.get(username="golmud"))
    response = client.get(reverse(PAGE), {"q": q})
    assert response.status_code == status
    if says:
        assert says in response.content.decode()


def test_every_page_has_the_search_box(seeded, client):
    client.force_login(get_user_model().objects.get(username="golmud"))
    html = client.get(reverse("households:list")).content.decode()
    assert 'role="combobox"' in html and reverse(SUGGESTIONS) in html and "js/search.js" in html
