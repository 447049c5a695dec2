"""The privacy rule (povertyboard/privacy.py): nothing a non-administrator sees rebuilds a whole resident ID or phone.

The walk reads, as each demo role but the administrator, every API list and a detail of every API route, the
household list and pages, and the rows behind every dashboard number of a county, over the seeded data plus a
household with phones; it fails on any whole resident ID, any whole phone, and any birth date shown beside its
member's masked ID (the hidden digits of the mask are the birth date). The administrator sees all three whole.
"""

import datetime
import json
import re

import pytest
from auditlog.models import LogEntry
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from cadres.models import Cadre
from dashboards import figures
from households.models import Household, Member
from povertyboard.api.urls import router
from povertyboard.privacy import birth_year, mask_phone, reduce_logged, shown
from povertyboard.resident_ids import mask_resident_id
from villages.models import County

READERS = ("staff", "golmud", "prefecture", "cadre", "supervisor")
PHONES = {"household": "13812345678", "member": "13987654321", "cadre": "13711112222"}
MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")


@pytest.fixture
def people(seeded):
    """The seeded members, plus phones on a Golmud household, one of its members and a Golmud cadre."""
    # the first household of its village, so that it is on the first page of the village's rows
    golmud = County.objects.get(code="632801")
    household = Household.objects.in_county(golmud).filter(members__isnull=False).order_by("pk").first()
    Household.objects.filter(pk=household.pk).update(phone=PHONES["household"])
    Member.objects.filter(pk=household.members.first().pk).update(phone=PHONES["member"])
    Cadre.objects.filter(pk=Cadre.objects.filter(county__code="632801").first().pk).update(phone=PHONES["cadre"])
    members = list(Member.objects.values_list("id_number", "birth_date"))
    return {"household": household, "ids": {i for i, _b in members},
            "births": {mask_resident_id(i): b for i, b in members}}


def date_forms(date: datetime.date) -> set[str]:
    return {date.isoformat(), f"{date:%Y%m%d}", f"{date.year}年{date.month}月{date.day}日", f"{date:%Y/%m/%d}"}


def whole(text: str, people: dict) -> list[str]:
    """Whole resident IDs and phones in `text`."""
    return [f"whole ID {i}" for i in people["ids"] if i in text] + [
        f"whole phone {p}" for p in PHONES.values() if p in text]


def beside(row: str, people: dict) -> list[str]:
    """A member's birth date in the same row as the member's masked ID (the mask hides exactly that date)."""
    dates = set(re.findall(r"\d{4}[-/年]?\d{1,2}[-/月]?\d{1,2}日?", row))
    return [f"{masked} beside its birth date" for masked in set(MASKED_ID.findall(row))
            if masked in people["births"] and date_forms(people["births"][masked]) & dates]


def html_leaks(text: str, people: dict) -> list[str]:
    return whole(text, people) + [p for row in re.findall(r"<tr\b.*?</tr>", text, flags=re.S)
                                  for p in beside(row, people)]


def json_rows(payload) -> list[str]:
    """Each JSON object holding a masked ID, as text (an object is what a client reads together)."""
    rows = []

    def walk(node):
        if isinstance(node, dict):
            if any(isinstance(v, str) and MASKED_ID.fullmatch(v) for v in node.values()):
                rows.append(json.dumps(node, ensure_ascii=False, default=str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload)
    return rows


def api_paths(people) -> list[str]:
    """Every list route of the router, and a detail of each route with a row the readers can see."""
    paths = []
    for pattern in router.urls:
        if not isinstance(pattern, URLPattern) or "format" in pattern.pattern.regex.groupindex:
            continue
        kwargs = set(pattern.pattern.regex.groupindex)
        if pattern.name.endswith("-list") and not kwargs:
            paths.append(reverse(f"api:{pattern.name}"))
    household = people["household"]
    paths += [reverse("api:households-detail", args=[household.pk]),
              reverse("api:members-detail", args=[household.members.first().pk]),
              reverse("api:members-list") + f"?household={household.pk}"]
    paths += [reverse("api:counties-rows", kwargs={"code": "632801", "key": key}) for key in figures.ALL_FIGURES]
    paths += [reverse("api:search-list") + "?q=" + q for q in searches(people)]
    return paths


def searches(people) -> list[str]:
    """The search by a member's whole ID, by each whole phone, and by a name: each finds its row, masked."""
    household = people["household"]
    return [household.members.first().id_number, *PHONES.values(), household.head_name]


def site_paths(people) -> list[str]:
    household = people["household"]
    return [reverse("households:list"), reverse("households:list") + "?q=" + household.head_name,
            reverse("households:detail", args=[household.pk]),
            *[reverse("areas:rows", args=["county", "632801", key]) for key in figures.ALL_FIGURES],
            *[reverse("search:results") + "?q=" + q for q in searches(people)]]


@pytest.mark.parametrize("role", READERS)
def test_nothing_a_reader_sees_rebuilds_an_id_or_a_phone(client, django_user_model, people, role):
    user = django_user_model.objects.get(username=role)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    found = {}
    for path in site_paths(people):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        problems = html_leaks(response.content.decode(), people)
        if problems:
            found[path] = problems
    for path in api_paths(people):
        response = api.get(path)
        assert response.status_code in (200, 400, 403, 404), (path, response.status_code)
        if response.status_code != 200:
            continue
        problems = whole(response.content.decode(), people) + [
            p for row in json_rows(response.json()) for p in beside(row, people)]
        if problems:
            found[path] = problems
    assert not found, found


def test_the_walk_reads_masked_ids_and_would_see_a_birth_date(client, django_user_model, people):
    """The walk is not vacuous: a member row shows a masked ID, and the leak check fires on a birth date beside it."""
    client.force_login(django_user_model.objects.get(username="golmud"))
    html = client.get(reverse("households:detail", args=[people["household"].pk])).content.decode()
    member = people["household"].members.first()
    assert mask_resident_id(member.id_number) in html
    assert str(member.birth_date.year) in html
    row = f"<tr><td>{mask_resident_id(member.id_number)}</td><td>{member.birth_date:%Y-%m-%d}</td></tr>"
    assert html_leaks(row, people) and whole(member.id_number, people) and whole(PHONES["cadre"], people)


def test_the_administrator_sees_ids_birth_dates_and_phones_whole(client, django_user_model, people):
    admin = django_user_model.objects.get(username="admin")
    member = people["household"].members.order_by("pk").first()
    api = APIClient()
    api.force_authenticate(admin)
    row = api.get(reverse("api:members-detail", args=[member.pk])).json()
    assert (row["id_number"], row["birth_date"], row["birth_year"]) == (
        member.id_number, member.birth_date.isoformat(), member.birth_date.year)
    client.force_login(admin)
    html = client.get(reverse("households:detail", args=[people["household"].pk])).content.decode()
    assert member.id_number in html and member.birth_date.isoformat() in html
    rows = client.get(reverse("areas:rows", args=["county", "632801", "identified-households"]),
                      {"village": people["household"].village_id}).content.decode()
    assert PHONES["household"] in rows


def test_a_reader_gets_the_birth_year_and_no_date(people, django_user_model):
    member = people["household"].members.order_by("pk").first()
    api = APIClient()
    api.force_authenticate(django_user_model.objects.get(username="golmud"))
    row = api.get(reverse("api:members-detail", args=[member.pk])).json()
    assert (row["id_number"], row["birth_date"], row["birth_year"]) == (
        mask_resident_id(member.id_number), None, member.birth_date.year)


def test_the_history_stores_birth_dates_and_phones_reduced(people):
    member = people["household"].members.order_by("pk").first()
    old_phone = member.phone
    member.phone = "13600001111"
    member.save()
    entry = LogEntry.objects.get_for_object(member).order_by("-pk").first()
    assert entry.changes["phone"] == [shown("phone", old_phone, whole=False), "136****1111"]
    household = people["household"]
    household.phone = "13500002222"
    household.save()
    entry = LogEntry.objects.get_for_object(household).order_by("-pk").first()
    assert entry.changes["phone"] == [mask_phone(PHONES["household"]), "135****2222"]
    member_pk = member.pk
    member.delete()
    deleted = LogEntry.objects.get(object_pk=str(member_pk), action=LogEntry.Action.DELETE,
                                   content_type__model="member")
    logged = json.dumps(deleted.changes)
    assert member.id_number not in logged and member.birth_date.isoformat() not in logged


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("id_number", "632801198004060029", "632801********0029"),
    ("birth_date", datetime.date(1980, 4, 6), "1980"),
    ("birth_date", "1980-04-06", "1980"),
    ("phone", "13912345678", "139****5678"),
    ("phone", "12345", "*****"),
    ("name", "演示户主", "演示户主"),
])
def test_one_rule_reduces_each_personal_field(field, value, expected):
    assert shown(field, value, whole=False) == expected
    assert shown(field, value, whole=True) == value


@pytest.mark.parametrize(("value", "expected"), [
    ("632801198004060029", "632801********0029"), ("1980-04-06", "1980"), ("13912345678", "139****5678"),
    ("632801********0029", "632801********0029"), ("139****5678", "139****5678"), ("1980", "1980"),
    ("None", "None"), ("", ""),
])
def test_the_history_reduces_what_it_stores(value, expected):
    assert reduce_logged(value) == expected
    assert birth_year(None) == ""


def test_the_migration_reduces_what_the_history_held_whole(people):
    """households/migrations/0005: entries written before the rule are reduced once (and reduced ones kept)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("households.migrations.0005_history_personal_fields_reduced")
    member = people["household"].members.order_by("pk").first()
    entry = LogEntry.objects.log_create(member, action=LogEntry.Action.UPDATE, changes={
        "birth_date": ["1980-04-06", member.birth_date.isoformat()], "phone": ["", "13912345678"],
        "id_number": [mask_resident_id(member.id_number), member.id_number], "name": ["甲", "乙"]}, force_log=True)
    migration.reduce_history(apps, None)
    entry.refresh_from_db()
    assert entry.changes == {"birth_date": ["1980", str(member.birth_date.year)], "phone": ["", "139****5678"],
                             "id_number": [mask_resident_id(member.id_number)] * 2, "name": ["甲", "乙"]}
