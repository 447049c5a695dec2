"""The households API: the registry read-only (area-scoped, filtered with the site's filtersets, resident IDs
masked), measures written through households.services (create, versioned change, implement, cancel) and
visits logged by cadres."""

import datetime
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import ApiToken
from households import services
from households.models import Household, Measure, Member, Visit
from povertyboard.history import history_of
from tests.factories import (
    make_benefit,
    make_helper_staff,
    make_household,
    make_household_year,
    make_measure,
    make_member,
    make_pairing,
    make_unit,
    make_visit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MASKED = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def url(basename, pk=None, action=None):
    if action:
        return reverse(f"api:{basename}-{action}", args=[pk])
    return reverse(f"api:{basename}-detail", args=[pk]) if pk else reverse(f"api:{basename}-list")


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return [row["id"] for row in rows(response)]


def errors(response, field):
    """The messages of a 400 on `field`."""
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    return response.json()[field]


def snapshot():
    """Everything a refused write could have touched: measures, visits and the history."""
    return (list(Measure.objects.order_by("pk").values()), list(Visit.objects.order_by("pk").values()),
            LogEntry.objects.count())


def assert_history(obj, action, actor, **changes):
    """The newest history entry of obj: its action, who made it and the old → new of some fields."""
    entry = history_of(obj).first()
    assert entry is not None
    assert (entry.action, entry.actor) == (action, actor)
    for field, (old, new) in changes.items():
        assert [str(v) for v in entry.changes_dict[field]] == [old, new]


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x")


# ------------------------------------------------------------------------------------------ households


@pytest.fixture
def registry(world):
    """The cadre's paired household with two members, two years of income and two flags."""
    household = world.household
    Household.objects.filter(pk=household.pk).update(is_dibao=True, has_dangerous_house=True,
                                                     secondary_cause="water", status="assisted")
    head = make_member(household, name="张三")
    child = make_member(household, name="张小", relation="child", birth=datetime.date(2008, 4, 1))
    make_household_year(household, year=2015, income_per_capita=Decimal("2300.00"))
    make_household_year(household, year=2016, income_per_capita=Decimal("3800.50"))
    return head, child


def test_household_list_rows_carry_the_list_page_figures(world, api, registry):
    listed = {row["id"]: row for row in rows(api(world.staff).get(url("households")))}
    assert set(listed) == {world.household.pk, world.unpaired.pk, world.neighbour_household.pk}  # not Wulan's
    row = listed[world.household.pk]
    assert (row["member_count"], row["helper_count"], row["latest_income"], row["latest_income_year"]) == (
        2, 1, "3800.50", 2016)
    assert row["village"] == world.mine.code and row["flags"] == ["dibao", "dangerous_house"]
    assert (row["status"], row["primary_cause"], row["secondary_cause"]) == ("assisted", "illness", "water")
    empty = listed[world.unpaired.pk]
    assert (empty["member_count"], empty["helper_count"], empty["latest_income"], empty["flags"]) == (
        0, 0, None, [])


def test_household_detail_has_members_years_flags_and_status(world, api, registry):
    head, child = registry
    data = api(world.cadre_user).get(url("households", world.household.pk)).json()
    assert [m["name"] for m in data["members"]] == ["张三", "张小"]
    assert [(y["year"], y["income_per_capita"]) for y in data["years"]] == [(2015, "2300.00"), (2016, "3800.50")]
    assert (data["status"], data["flags"], data["member_count"]) == ("assisted", ["dibao", "dangerous_house"], 2)
    assert api(world.cadre_user).get(url("households", world.foreign_household.pk)).status_code == 404


def test_resident_ids_are_masked_for_everyone_but_administrators(world, api, admin, registry):
    head, _child = registry
    masked = f"{head.id_number[:6]}********{head.id_number[14:]}"
    for user in (world.cadre_user, world.staff, world.supervisor):
        member = next(m for m in rows(api(user).get(url("members"))) if m["id"] == head.pk)
        assert member["id_number"] == masked and MASKED.match(masked)
        detail = api(user).get(url("households", world.household.pk))
        assert detail.json()["members"][0]["id_number"] == masked
        assert head.id_number not in detail.content.decode()
    member = api(admin).get(url("members", head.pk)).json()
    assert member["id_number"] == head.id_number
    assert api(admin).get(url("households", world.household.pk)).json()["members"][0]["id_number"] == head.id_number


def test_household_list_takes_the_list_page_filters(world, api, registry):
    client = api(world.staff)
    other = make_household(world.mine, is_wubao=True, status="exited", exit_year=2016, head_name="李四")
    get = lambda **params: set(ids(client.get(url("households"), params)))  # noqa: E731
    assert get(village=world.mine.code) == {world.household.pk, world.unpaired.pk, other.pk}
    assert get(status="exited") == {other.pk}
    assert get(cause="water") == {world.household.pk}  # the secondary cause counts
    assert get(flag="wubao") == {other.pk}
    assert get(helper="yes") == {world.household.pk}
    assert get(q="张小") == {world.household.pk}  # a member's name
    assert get(q="李四", county=world.golmud.code) == {other.pk}
    assert ids(client.get(url("households"), {"sort": "-members"}))[0] == world.household.pk
    assert ids(client.get(url("households"), {"sort": "-income", "village": world.mine.code}))[0] == world.household.pk


def test_the_member_name_search_lists_a_household_once_and_only_in_the_area(world, api, registry):
    make_member(world.foreign_household, name="张大")  # Wulan's: not the staff's county
    client = api(world.staff)
    assert ids(client.get(url("households"), {"q": "张"})) == [world.household.pk]  # 张三 and 张小
    with CaptureQueriesContext(connection) as queries:
        client.get(url("households"), {"q": "张"})
    # the members are looked up per listed household (EXISTS), not by a sub-select over every member
    searches = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert searches and all("EXISTS" in sql for sql in searches)


def test_every_page_carries_its_own_rows_figures_with_the_same_queries(world, api, registry):
    """A page's figures are computed after paging (add_row_figures): every row of every page carries its own
    member, helper and income figures, sorted by number or by a figure, in as many queries as the first page."""
    helper = make_helper_staff(world.household.pairings.first().helper.unit)
    for i in range(52):
        household = make_household(world.mine)
        for _ in range(i % 4):
            make_member(household)
        if i % 3:
            make_pairing(household, helper)
        if i % 5:
            make_household_year(household, year=2014 + i % 3, income_per_capita=Decimal(1000 + i))
    expected = {h.pk: (h.members.count(), h.pairings.count(),
                       *(h.years.order_by("-year").values_list("income_per_capita", "year").first() or (None, None)))
                for h in Household.objects.in_county(world.golmud)}
    client = api(world.staff)
    client.get(url("households"))  # the user's area, looked up once per user
    for sort in ("", "-members"):
        seen, counts = {}, set()
        for page in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url("households"), {"page_size": 20, "page": page, "sort": sort})
            counts.add(len(queries))
            if not sort:  # the page's own query (LIMIT … OFFSET) computes no figures for the rows it skips
                assert not [q for q in queries.captured_queries if "OFFSET" in q["sql"] and "pairing" in q["sql"]]
            for row in rows(response):
                income = row["latest_income"] and Decimal(row["latest_income"])
                seen[row["id"]] = (row["member_count"], row["helper_count"], income, row["latest_income_year"])
        assert seen == expected and len(counts) == 1, (sort, counts)


def test_the_written_out_list_row_is_drfs_own_representation(world, registry):
    """HouseholdSerializer writes its row out by hand (for speed); it must give what DRF's field machinery
    gives, for every field and kind of value: a null or blank field, flags, figures with and without an income."""
    from rest_framework.serializers import ModelSerializer

    from households.api.serializers import HouseholdSerializer
    from households.filters import with_row_figures

    bare = make_household(world.mine, planned_exit_year=None, secondary_cause="", is_dibao=True, is_relocated=True)
    make_household(world.mine, status="exited", exit_year=2017)
    households = list(with_row_figures(Household.objects.select_related("village__township")))
    assert bare in households and any(h.latest_income is not None for h in households)
    serializer = HouseholdSerializer()
    for household in households:
        written = serializer.to_representation(household)
        assert written == ModelSerializer.to_representation(serializer, household)
        assert list(written) == HouseholdSerializer.Meta.fields


@pytest.mark.parametrize("params, field", [
    ({"sort": "bogus"}, "sort"),
    ({"sort": "number,-nothing"}, "sort"),
    ({"status": "gone"}, "status"),
    ({"cause": "laziness"}, "cause"),
    ({"flag": "rich"}, "flag"),
    ({"helper": "maybe"}, "helper"),
    ({"township": "abc"}, "township"),
    ({"township": str(2**70)}, "township"),
    ({"village": "no-such-village"}, "village"),
    ({"q": "x" * 51}, "q"),
])
def test_a_bad_household_filter_value_is_a_400_naming_the_parameter(world, api, params, field):
    errors(api(world.staff).get(url("households"), params), field)


def test_another_countys_area_is_not_a_household_filter_choice(world, api):
    client = api(world.staff)
    errors(client.get(url("households"), {"village": world.foreign.code}), "village")
    errors(client.get(url("households"), {"county": world.wulan.code}), "county")
    errors(client.get(url("households"), {"township": world.foreign.township_id}), "township")


# ------------------------------------------------------------------------------------------ other registry lists


def test_members_benefits_helpers_and_pairings_are_filtered_and_area_scoped(world, api, registry):
    head, child = registry
    client = api(world.staff)
    neighbour_member = make_member(world.neighbour_household)
    make_member(world.foreign_household)
    assert set(ids(client.get(url("members")))) == {head.pk, child.pk, neighbour_member.pk}
    assert ids(client.get(url("members"), {"household": world.household.pk, "ordering": "-name"})) == sorted(
        [head.pk, child.pk], key=lambda pk: Member.objects.get(pk=pk).name, reverse=True)
    # no ordering by birth date: the order of hidden dates would be an oracle of them (povertyboard/privacy.py)
    errors(client.get(url("members"), {"ordering": "birth_date"}), "ordering")
    assert ids(client.get(url("members"), {"village": world.neighbour.code})) == [neighbour_member.pk]
    assert ids(client.get(url("members"), {"search": "张小"})) == [child.pk]
    errors(client.get(url("members"), {"household": world.foreign_household.pk}), "household")

    dibao = make_benefit(world.household, head, date=datetime.date(2016, 2, 1))
    medical = make_benefit(world.household, child, kind="medical", amount=Decimal("300.00"),
                           expense=Decimal("900.00"), date=datetime.date(2016, 8, 1))
    make_benefit(world.foreign_household)
    assert set(ids(client.get(url("benefits")))) == {dibao.pk, medical.pk}
    assert ids(client.get(url("benefits"), {"kind": "medical"})) == [medical.pk]
    assert ids(client.get(url("benefits"), {"date_from": "2016-06-01", "date_to": "2016-12-31"})) == [medical.pk]
    assert rows(client.get(url("benefits"), {"kind": "medical"}))[0]["expense"] == "900.00"
    errors(client.get(url("benefits"), {"kind": "cash"}), "kind")
    errors(client.get(url("benefits"), {"date_from": "2016-02-30"}), "date_from")

    pairing = world.household.pairings.get()
    ended = make_pairing(world.unpaired, end_date=datetime.date(2016, 12, 31))
    make_pairing(world.foreign_household)
    assert set(ids(client.get(url("pairings")))) == {pairing.pk, ended.pk}
    assert ids(client.get(url("pairings"), {"active": "yes"})) == [pairing.pk]
    assert ids(client.get(url("pairings"), {"active": "no"})) == [ended.pk]
    assert ids(client.get(url("pairings"), {"helper": pairing.helper_id})) == [pairing.pk]
    errors(client.get(url("pairings"), {"active": "sometimes"}), "active")

    helpers = rows(client.get(url("helpers"), {"ordering": "name"}))
    assert {h["id"] for h in helpers} == {pairing.helper_id, ended.helper_id}
    assert helpers[0]["unit_name"] and helpers[0]["unit_kind"] == "party_government"
    army = make_helper_staff(make_unit(world.golmud, kind="military_police"))
    assert ids(client.get(url("helpers"), {"unit_kind": "military_police"})) == [army.pk]
    errors(client.get(url("helpers"), {"unit_kind": "church"}), "unit_kind")
    errors(client.get(url("helpers"), {"ordering": "phone"}), "ordering")


# ------------------------------------------------------------------------------------------ measures: reads


def test_measures_are_area_scoped_filtered_and_ordered(world, api):
    client = api(world.supervisor)
    village_wide = make_measure(world.mine, category="water", amount=Decimal("90000.00"),
                                planned_date=datetime.date(2017, 5, 1))
    assert set(ids(client.get(url("measures")))) == {world.measure.pk, world.neighbour_measure.pk, village_wide.pk}
    assert set(ids(client.get(url("measures"), {"village": world.mine.code}))) == {world.measure.pk, village_wide.pk}
    assert ids(client.get(url("measures"), {"household": world.household.pk})) == [world.measure.pk]
    assert ids(client.get(url("measures"), {"category": "water"})) == [village_wide.pk]
    assert ids(client.get(url("measures"), {"planned_from": "2017-01-01", "planned_to": "2017-12-31"})) == [
        village_wide.pk]
    assert set(ids(client.get(url("measures"), {"status": "planned"}))) == {
        world.measure.pk, world.neighbour_measure.pk, village_wide.pk}
    assert ids(client.get(url("measures"), {"ordering": "-amount"}))[0] == village_wide.pk
    row = client.get(url("measures", village_wide.pk)).json()
    assert (row["household"], row["village"], row["amount"], row["version"]) == (None, world.mine.code, "90000.00", 1)
    assert client.get(url("measures", world.foreign_measure.pk)).status_code == 404
    for params, field in (
        ({"status": "done"}, "status"), ({"category": "magic"}, "category"),
        ({"planned_from": "yesterday"}, "planned_from"), ({"village": world.foreign.code}, "village"),
        ({"household": world.foreign_household.pk}, "household"), ({"ordering": "title"}, "ordering"),
    ):
        errors(client.get(url("measures"), params), field)


# ------------------------------------------------------------------------------------------ measures: writes


def test_the_measure_lifecycle_through_the_api_is_recorded_in_the_history(world):
    cadre = world.cadre_user
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.objects.create(user=cadre)[1]}")

    created = client.post(url("measures"), {
        "village": world.mine.code, "household": world.household.pk, "category": "industry",
        "title": "养殖藏系羊 20 只", "planned_date": "2016-04-01", "amount": "8000"}, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    measure = Measure.objects.get(pk=data["id"])
    assert (data["status"], data["version"], data["amount"], data["responsible"], data["responsible_name"]) == (
        "planned", 1, "8000.00", world.cadre.pk, world.cadre.name)
    assert (measure.village, measure.household, measure.responsible) == (world.mine, world.household, world.cadre)
    assert_history(measure, LogEntry.Action.CREATE, cadre)

    changed = client.patch(url("measures", measure.pk), {"version": 1, "title": "养殖藏系羊 25 只",
                                                          "amount": "9500.5"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["amount"], changed.json()["version"]) == (
        "养殖藏系羊 25 只", "9500.50", 2)
    assert_history(measure, LogEntry.Action.UPDATE, cadre, title=("养殖藏系羊 20 只", "养殖藏系羊 25 只"),
                   amount=("8000.00", "9500.50"))

    done = client.post(url("measures", measure.pk, "implement"), {
        "version": 2, "implemented_date": "2016-05-20", "amount": "9400", "evidence": "签收单 2016-051"},
        format="json")
    assert done.status_code == 200, done.content
    measure.refresh_from_db()
    assert (measure.status, measure.implemented_date, measure.amount, measure.evidence, measure.version) == (
        "implemented", datetime.date(2016, 5, 20), Decimal("9400.00"), "签收单 2016-051", 3)
    assert done.json()["status"] == "implemented"
    assert_history(measure, LogEntry.Action.UPDATE, cadre, status=("planned", "implemented"))

    before = snapshot()
    refused = client.post(url("measures", measure.pk, "cancel"), {"version": 3, "reason": "重复"}, format="json")
    assert refused.status_code == 400  # only a planned measure can be cancelled
    assert snapshot() == before

    cancelled = client.post(url("measures", world.measure.pk, "cancel"),
                            {"version": 1, "reason": "  该户已申请易地搬迁 "}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    world.measure.refresh_from_db()
    assert (world.measure.status, world.measure.cancel_reason, world.measure.version) == (
        "cancelled", "该户已申请易地搬迁", 2)
    assert_history(world.measure, LogEntry.Action.UPDATE, cadre, status=("planned", "cancelled"))


def test_a_village_wide_measure_and_an_administrator_anywhere(world, api, admin):
    response = api(world.cadre_user).post(url("measures"), {
        "village": world.mine.code, "category": "water", "title": "人饮工程", "planned_date": "2016-06-01"},
        format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["household"], response.json()["amount"]) == (None, "0.00")
    response = api(admin).post(url("measures"), {
        "village": world.foreign.code, "household": world.foreign_household.pk, "category": "education",
        "title": "助学", "planned_date": "2016-09-01", "amount": 1200}, format="json")
    assert response.status_code == 201, response.content
    assert Measure.objects.get(pk=response.json()["id"]).responsible is None  # an administrator is no cadre
    moved = api(admin).patch(url("measures", world.foreign_measure.pk), {"version": 1, "household": None},
                             format="json")
    assert moved.status_code == 200 and moved.json()["household"] is None


def test_a_stale_version_is_a_409_with_the_current_measure_and_nothing_changed(world, api):
    services.update_measure(user=world.teammate_user, measure=world.measure, version=1, title="队友改过的标题")
    before = snapshot()
    client = api(world.cadre_user)
    for method, path, body in (
        ("patch", url("measures", world.measure.pk), {"version": 1, "title": "我的标题"}),
        ("post", url("measures", world.measure.pk, "implement"),
         {"version": 1, "implemented_date": "2016-05-01", "amount": "10", "evidence": "x"}),
        ("post", url("measures", world.measure.pk, "cancel"), {"version": 1, "reason": "x"}),
    ):
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 409, response.content
        current = response.json()["current"]
        assert (current["id"], current["title"], current["version"], current["status"]) == (
            world.measure.pk, "队友改过的标题", 2, "planned")
        assert response.json()["detail"]
        assert snapshot() == before


FUTURE = (TODAY + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("body, field", [
    ({"planned_date": "2016-02-30"}, "planned_date"),
    ({"planned_date": "01/03/2016"}, "planned_date"),
    ({"category": "magic"}, "category"),
    ({"category": ["industry"]}, "category"),
    ({"amount": "lots"}, "amount"),
    ({"amount": "-1"}, "amount"),
    ({"amount": "10000000.01"}, "amount"),
    ({"amount": "1e400"}, "amount"),
    ({"household": "first"}, "household"),
    ({"household": True}, "household"),
    ({"household": 2**70}, "household"),
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"village": None}, "village"),
    ({"village": 12}, "village"),
])
def test_measure_create_field_errors(world, api, body, field):
    valid = {"village": world.mine.code, "household": world.household.pk, "category": "industry",
             "title": "养殖", "planned_date": "2016-04-01", "amount": "100"}
    before = snapshot()
    errors(api(world.cadre_user).post(url("measures"), {**valid, **body}, format="json"), field)
    assert snapshot() == before


def test_measure_create_refuses_another_villages_or_households_id(world, api):
    client = api(world.cadre_user)
    before = snapshot()
    valid = {"village": world.mine.code, "category": "industry", "title": "养殖", "planned_date": "2016-04-01"}
    errors(client.post(url("measures"), {**valid, "village": world.neighbour.code}, format="json"), "village")
    errors(client.post(url("measures"), {**valid, "village": world.foreign.code}, format="json"), "village")
    errors(client.post(url("measures"), {**valid, "household": world.neighbour_household.pk}, format="json"),
           "household")
    errors(client.post(url("measures"), {**valid, "household": world.foreign_household.pk}, format="json"),
           "household")
    errors(client.post(url("measures"), {**valid, "household": 0}, format="json"), "household")
    assert snapshot() == before


def test_measure_amount_ceiling_message_is_the_sites(world, api):
    response = api(world.cadre_user).post(url("measures"), {
        "village": world.mine.code, "category": "industry", "title": "养殖", "planned_date": "2016-04-01",
        "amount": "20000000"}, format="json")
    assert errors(response, "amount") == [str(services.amount_ceiling_message())]


def test_an_administrators_household_must_lie_in_the_measures_village(world, api, admin):
    before = snapshot()
    response = api(admin).post(url("measures"), {
        "village": world.mine.code, "household": world.neighbour_household.pk, "category": "industry",
        "title": "养殖", "planned_date": "2016-04-01"}, format="json")
    errors(response, "household")
    errors(api(admin).patch(url("measures", world.measure.pk),
                            {"version": 1, "household": world.neighbour_household.pk}, format="json"), "household")
    assert snapshot() == before


@pytest.mark.parametrize("action, body, field", [
    (None, {"title": "x"}, "version"),
    (None, {"version": "one"}, "version"),
    (None, {"version": 0}, "version"),
    (None, {"version": 2**40}, "version"),
    (None, {"version": 1, "planned_date": "2016-13-01"}, "planned_date"),
    (None, {"version": 1, "category": "unknown"}, "category"),
    (None, {"version": 1, "amount": "-5"}, "amount"),
    (None, {"version": 1, "amount": "99999999999"}, "amount"),
    (None, {"version": 1, "household": "neighbour"}, "household"),
    (None, {"version": 1, "title": None}, "title"),
    ("implement", {"version": 1, "implemented_date": FUTURE, "amount": "10", "evidence": "x"}, "implemented_date"),
    ("implement", {"version": 1, "implemented_date": "2016-02-01", "amount": "10", "evidence": "x"},
     "implemented_date"),  # before the planned date (2016-03-01)
    ("implement", {"version": 1, "implemented_date": "not a date", "amount": "10", "evidence": "x"},
     "implemented_date"),
    ("implement", {"version": 1, "implemented_date": "2016-05-01", "amount": "10", "evidence": "  "}, "evidence"),
    ("implement", {"version": 1, "implemented_date": "2016-05-01", "amount": "-10", "evidence": "x"}, "amount"),
    ("implement", {"version": 1, "implemented_date": "2016-05-01", "evidence": "x"}, "amount"),
    ("cancel", {"version": 1, "reason": " "}, "reason"),
    ("cancel", {"version": 1}, "reason"),
    ("cancel", {"version": 1, "reason": "x" * 201}, "reason"),
    ("cancel", {"reason": "重复"}, "version"),
])
def test_measure_change_field_errors_write_nothing(world, api, action, body, field):
    path = url("measures", world.measure.pk, action) if action else url("measures", world.measure.pk)
    client = api(world.cadre_user)
    before = snapshot()
    response = client.post(path, body, format="json") if action else client.patch(path, body, format="json")
    errors(response, field)
    assert snapshot() == before


def test_a_household_of_the_neighbour_village_is_a_field_error_on_change(world, api):
    before = snapshot()
    errors(api(world.cadre_user).patch(url("measures", world.measure.pk),
                                       {"version": 1, "household": world.neighbour_household.pk}, format="json"),
           "household")
    assert snapshot() == before


def test_measure_writes_refused_by_role_and_area_change_nothing(world, api):
    body = {"village": world.mine.code, "category": "industry", "title": "养殖", "planned_date": "2016-04-01"}
    change = {"version": 1, "title": "改"}
    before = snapshot()
    for user in (world.staff, world.supervisor, world.wulan_supervisor):
        client = api(user)
        assert client.post(url("measures"), body, format="json").status_code == 403
        assert client.patch(url("measures", world.measure.pk), change, format="json").status_code == 403
        assert client.post(url("measures", world.measure.pk, "cancel"), {"version": 1, "reason": "x"},
                           format="json").status_code == 403
    cadre = api(world.cadre_user)
    assert cadre.patch(url("measures", world.neighbour_measure.pk), change, format="json").status_code == 403
    assert cadre.post(url("measures", world.neighbour_measure.pk, "implement"), {}, format="json").status_code == 403
    assert cadre.patch(url("measures", world.foreign_measure.pk), change, format="json").status_code == 404
    assert cadre.post(url("measures", world.foreign_measure.pk, "cancel"), {}, format="json").status_code == 404
    assert api(world.other_user).patch(url("measures", world.measure.pk), change, format="json").status_code == 403
    assert cadre.put(url("measures", world.measure.pk), {**body, **change}, format="json").status_code == 405
    assert cadre.delete(url("measures", world.measure.pk)).status_code == 405
    assert APIClient().post(url("measures"), body, format="json").status_code == 401
    assert snapshot() == before


# ------------------------------------------------------------------------------------------ visits


def test_a_cadre_logs_a_visit_to_a_paired_household(world, api):
    response = api(world.cadre_user).post(url("visits"), {
        "household": world.household.pk, "date": "2016-06-02", "purpose": "核实收入", "notes": "养殖情况良好"},
        format="json")
    assert response.status_code == 201, response.content
    visit = Visit.objects.get(pk=response.json()["id"])
    assert (visit.village, visit.household, visit.cadre, visit.kind, visit.notes) == (
        world.mine, world.household, world.cadre, "home_visit", "养殖情况良好")
    assert (response.json()["cadre_name"], response.json()["helper"]) == (world.cadre.name, None)
    assert_history(visit, LogEntry.Action.CREATE, world.cadre_user)


@pytest.mark.parametrize("change, field", [
    ({"household": "unpaired"}, "household"),  # not paired with a helper
    ({"household": "neighbour_household"}, "household"),
    ({"household": "foreign_household"}, "household"),
    ({"date": FUTURE}, "date"),
    ({"date": "2016-02-30"}, "date"),
    ({"kind": "party"}, "kind"),
    ({"purpose": ""}, "purpose"),
])
def test_visit_field_errors_write_nothing(world, api, change, field):
    body = {"household": world.household.pk, "date": "2016-06-02", "purpose": "核实收入"}
    if change.get("household"):
        change = {"household": getattr(world, change["household"]).pk}
    before = snapshot()
    errors(api(world.cadre_user).post(url("visits"), {**body, **change}, format="json"), field)
    assert snapshot() == before


def test_visits_are_logged_by_cadres_only_and_read_in_the_area(world, api, admin):
    own = make_visit(world.mine, world.household, cadre=world.cadre)
    make_visit(world.foreign, world.foreign_household)
    body = {"household": world.household.pk, "date": "2016-06-02", "purpose": "核实收入"}
    before = snapshot()
    for user in (admin, world.staff, world.supervisor):
        assert api(user).post(url("visits"), body, format="json").status_code == 403
    assert api(world.cadre_user).delete(url("visits", own.pk)).status_code == 405
    assert snapshot() == before
    client = api(world.staff)
    assert ids(client.get(url("visits"))) == [own.pk]
    assert ids(client.get(url("visits"), {"cadre": world.cadre.pk, "kind": "home_visit"})) == [own.pk]
    assert ids(client.get(url("visits"), {"date_from": "2017-01-01"})) == []
    errors(client.get(url("visits"), {"kind": "party"}), "kind")
    assert client.get(url("visits", own.pk)).json()["village"] == world.mine.code


def test_the_schema_admits_the_blank_choices_the_rows_carry():
    """secondary_cause and aspiration are "" when not filled in; the schema must say so (schemathesis checks it)."""
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for component, field in (("Household", "secondary_cause"), ("HouseholdDetail", "secondary_cause"),
                             ("HouseholdDetail", "aspiration")):
        refs = [ref["$ref"] for ref in components[component]["properties"][field]["oneOf"]]
        assert "#/components/schemas/BlankEnum" in refs, (component, field)
