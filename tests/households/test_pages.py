"""The household drill-down pages: the filtered, sorted, paginated household list and the household page."""

import datetime
import re
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household, HouseholdYear, Member, Pairing, PovertyCause
from povertyboard import access
from povertyboard.resident_ids import SEX_MALE, make_resident_id, mask_resident_id
from tests.factories import (
    make_assignment,
    make_benefit,
    make_cadre,
    make_county,
    make_helper_staff,
    make_household,
    make_household_year,
    make_measure,
    make_member,
    make_pairing,
    make_status_change,
    make_township,
    make_unit,
    make_user_area,
    make_village,
    make_visit,
)

pytestmark = pytest.mark.django_db

LIST = reverse("households:list")


def detail(household) -> str:
    return reverse("households:detail", args=[household.pk])


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def wulan():
    return make_county("632821", name="乌兰县")


@pytest.fixture
def golmud():
    return make_county("632801", name="格尔木市")


@pytest.fixture
def township(wulan):
    return make_township(wulan, name="希里沟镇")


@pytest.fixture
def village(township):
    return make_village(township, code="632821101001", name="希里演示01村")


def login_as(client, django_user_model, role=access.COUNTY_STAFF, county=None, superuser=False):
    username = f"u{django_user_model.objects.count()}"
    if superuser:
        user = django_user_model.objects.create_superuser(username)
    else:
        user = django_user_model.objects.create_user(username)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        make_user_area(user, county)
    client.force_login(user)
    return user


@pytest.fixture
def staff(client, django_user_model, wulan):
    """A county staff client of 乌兰县."""
    login_as(client, django_user_model, county=wulan)
    return client


def shown(response) -> list[str]:
    """Head names of the households listed on the page, in order."""
    assert response.status_code == 200
    return [h.head_name for h in response.context["households"]]


# ------------------------------------------------------------------------------------------ list: filters


def test_list_requires_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_list_shows_the_households_of_the_area_with_count_members_and_latest_income(staff, village):
    h = make_household(village, head_name="甲户主")
    make_member(h, name="甲户主")
    make_member(h, name="甲成员")
    make_household_year(h, year=2015, income_per_capita=Decimal("2800"))
    make_household_year(h, year=2016, income_per_capita=Decimal("3650"))
    make_household(village, head_name="乙户主")
    response = staff.get(LIST)
    assert shown(response) == ["甲户主", "乙户主"]
    row = response.context["households"][0]
    assert row.member_count == 2 and row.latest_income == Decimal("3650") and row.latest_income_year == 2016
    html = response.content.decode()
    assert "共 2 户" in html
    assert "3,650" in html and "(2016)" in html
    assert f'href="{detail(h)}"' in html
    assert 'class="household-row demo-row"' in html


def test_filter_by_status(staff, village):
    make_household(village, head_name="已脱贫户", status=Household.Status.EXITED, exit_year=2016)
    make_household(village, head_name="帮扶中户", status=Household.Status.ASSISTED)
    assert shown(staff.get(LIST, {"status": "exited"})) == ["已脱贫户"]
    assert shown(staff.get(LIST, {"status": "assisted"})) == ["帮扶中户"]


def test_filter_by_primary_or_secondary_cause(staff, village):
    make_household(village, head_name="主因病", primary_cause=PovertyCause.ILLNESS)
    make_household(village, head_name="次因病", primary_cause=PovertyCause.WATER,
                   secondary_cause=PovertyCause.ILLNESS)
    make_household(village, head_name="缺水", primary_cause=PovertyCause.WATER)
    assert shown(staff.get(LIST, {"cause": "illness"})) == ["主因病", "次因病"]
    assert shown(staff.get(LIST, {"cause": "water"})) == ["次因病", "缺水"]


@pytest.mark.parametrize("flag, field", [("dibao", "is_dibao"), ("wubao", "is_wubao"),
                                         ("dangerous_house", "has_dangerous_house"),
                                         ("relocated", "is_relocated")])
def test_filter_by_flag(staff, village, flag, field):
    make_household(village, head_name="有标记", **{field: True})
    make_household(village, head_name="无标记")
    assert shown(staff.get(LIST, {"flag": flag})) == ["有标记"]


def test_filter_by_helper_yes_and_no(staff, village):
    paired = make_household(village, head_name="已结对")
    make_pairing(paired)
    make_pairing(paired)  # two helpers: still listed once
    make_household(village, head_name="未结对")
    assert shown(staff.get(LIST, {"helper": "yes"})) == ["已结对"]
    assert shown(staff.get(LIST, {"helper": "no"})) == ["未结对"]


def test_search_by_head_name_member_name_and_number(staff, village):
    a = make_household(village, head_name="张三", number="W0001")
    make_member(a, name="张三")
    make_member(a, name="李小花")
    make_member(a, name="李小草")  # two matching members: still listed once
    make_household(village, head_name="王五", number="W0002")
    assert shown(staff.get(LIST, {"q": "张三"})) == ["张三"]
    assert shown(staff.get(LIST, {"q": "李小"})) == ["张三"]
    assert shown(staff.get(LIST, {"q": "W0002"})) == ["王五"]
    assert shown(staff.get(LIST, {"q": "w000"})) == ["张三", "王五"]
    assert shown(staff.get(LIST, {"q": "无此人"})) == []


def test_filter_by_county_township_and_village(client, django_user_model, wulan, golmud, village):
    login_as(client, django_user_model, county=None, superuser=True)
    other_village = make_village(village.township, name="希里演示02村")
    other_township = make_township(wulan, name="茶卡镇")
    make_household(village, head_name="一村户")
    make_household(other_village, head_name="二村户")
    make_household(make_village(other_township), head_name="茶卡户")
    make_household(make_village(make_township(golmud)), head_name="格尔木户")
    assert shown(client.get(LIST, {"village": village.code})) == ["一村户"]
    assert sorted(shown(client.get(LIST, {"township": village.township.pk}))) == ["一村户", "二村户"]
    assert sorted(shown(client.get(LIST, {"county": "632821"}))) == ["一村户", "二村户", "茶卡户"]
    assert shown(client.get(LIST, {"county": "632801"})) == ["格尔木户"]


def test_filters_combine_and_the_breadcrumbs_follow_the_area(staff, village):
    make_household(village, head_name="甲", status=Household.Status.ASSISTED, is_dibao=True)
    make_household(village, head_name="乙", status=Household.Status.ASSISTED)
    make_household(village, head_name="丙", is_dibao=True)
    response = staff.get(LIST, {"village": village.code, "status": "assisted", "flag": "dibao"})
    assert shown(response) == ["甲"]
    crumbs = re.search(r'<ol class="breadcrumb.*?</ol>', response.content.decode(), re.S).group(0)
    assert crumbs.index("乌兰县") < crumbs.index("希里沟镇") < crumbs.index("希里演示01村") < crumbs.index("贫困户名单")


# ------------------------------------------------------------------------------------------ list: bad input


@pytest.mark.parametrize("params", [
    {"status": "nonsense"}, {"cause": "x"}, {"flag": "rich"}, {"helper": "maybe"},
    {"village": "999999999999"}, {"township": "abc"}, {"township": "99999"}, {"county": "123456"},
    {"sort": "password"}, {"sort": "-id_number"}, {"q": "x" * 200},
])
def test_bad_filter_value_shows_an_error_not_a_500(staff, village, params):
    make_household(village)
    response = staff.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "筛选条件有误" in html
    assert "invalid-feedback" in html or "排序：" in html
    assert shown(response) == []


def test_bad_page_number_falls_back_to_a_page(staff, village):
    make_household(village, head_name="唯一户")
    assert shown(staff.get(LIST, {"page": "abc"})) == ["唯一户"]
    assert shown(staff.get(LIST, {"page": "999"})) == ["唯一户"]


# ------------------------------------------------------------------------------------------ list: sorting, paging


def test_sort_by_columns_both_ways(staff, village):
    small = make_household(village, head_name="乙", number="002")
    make_member(small)
    big = make_household(village, head_name="甲", number="001")
    for _ in range(3):
        make_member(big)
    make_household_year(small, income_per_capita=Decimal("5000"))
    make_household_year(big, income_per_capita=Decimal("3000"))
    assert shown(staff.get(LIST, {"sort": "number"})) == ["甲", "乙"]
    assert shown(staff.get(LIST, {"sort": "-number"})) == ["乙", "甲"]
    assert shown(staff.get(LIST, {"sort": "members"})) == ["乙", "甲"]
    assert shown(staff.get(LIST, {"sort": "-members"})) == ["甲", "乙"]
    assert shown(staff.get(LIST, {"sort": "income"})) == ["甲", "乙"]
    assert shown(staff.get(LIST, {"sort": "-income"})) == ["乙", "甲"]
    response = staff.get(LIST, {"sort": "members", "status": "identified"})
    html = response.content.decode()
    # the active column links to the other direction and keeps the filters
    assert '?sort=-members&amp;status=identified' in html or '?status=identified&amp;sort=-members' in html
    assert 'aria-sort="ascending"' in html


def test_pagination_50_per_page_and_page_links_keep_the_filters(staff, village):
    Household.objects.bulk_create([
        Household(village=village, number=f"N{i:03d}", head_name=f"户{i:03d}", primary_cause="illness",
                  status="assisted", identified_year=2015, is_demo=True)
        for i in range(120)
    ] + [Household(village=village, number="X001", head_name="已识别户", primary_cause="illness",
                   identified_year=2015)])
    first = staff.get(LIST, {"status": "assisted", "sort": "number"})
    assert len(shown(first)) == 50 and shown(first)[0] == "户000"
    html = first.content.decode()
    assert "共 120 户" in html
    assert "?status=assisted&amp;sort=number&amp;page=2" in html
    last = staff.get(LIST, {"status": "assisted", "sort": "number", "page": 3})
    assert shown(last) == [f"户{i:03d}" for i in range(100, 120)]
    assert "3 / 3" in last.content.decode()


# ------------------------------------------------------------------------------------------ scoping


@pytest.fixture
def seeded(db):
    from demo.seed import seed_reports

    seed_reports()


def seeded_client(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    return client


def test_wulan_staff_gets_404_for_a_golmud_household(client, django_user_model, seeded):
    c = seeded_client(client, django_user_model, "staff")
    golmud_household = Household.objects.filter(**{f"{Household.county_path}__code": "632801"}).first()
    wulan_household = Household.objects.filter(**{f"{Household.county_path}__code": "632821"}).first()
    assert c.get(detail(golmud_household)).status_code == 404
    assert c.get(detail(wulan_household)).status_code == 200
    assert c.get(reverse("households:detail", args=[10**9])).status_code == 404


def test_the_list_never_shows_another_countys_rows(client, django_user_model, seeded):
    c = seeded_client(client, django_user_model, "staff")
    wulan_total = Household.objects.filter(**{f"{Household.county_path}__code": "632821"}).count()
    response = c.get(LIST)
    assert response.context["page"].paginator.count == wulan_total
    golmud_village = Household.objects.filter(**{f"{Household.county_path}__code": "632801"}).first().village
    for params in ({"county": "632801"}, {"village": golmud_village.code},
                   {"township": golmud_village.township_id}, {"q": "G0001"}):
        response = c.get(LIST, params)
        assert response.status_code == 200
        assert shown(response) == []
        html = response.content.decode()
        assert "演示户主G" not in html and golmud_village.name not in html
    # the prefecture account reads both counties
    p = seeded_client(client, django_user_model, "prefecture")
    response = p.get(LIST)
    assert response.context["page"].paginator.count == Household.objects.count()
    # with two counties, township and village choices name their county
    html = response.content.decode()
    assert f'<option value="{golmud_village.code}">格尔木市 · ' in html


def test_user_without_area_sees_no_households(client, django_user_model, village):
    make_household(village)
    user = django_user_model.objects.create_user("nobody")
    client.force_login(user)
    assert shown(client.get(LIST)) == []


# ------------------------------------------------------------------------------------------ household page


def full_household(village, n=2, cadre=None):
    """A household with n members, measures, benefits, pairings, visits, years and status changes."""
    h = make_household(village, head_name="测试户主", status=Household.Status.ASSISTED, is_dibao=True,
                       secondary_cause=PovertyCause.WATER, aspiration="industry")
    cadre = cadre or make_cadre(village.township.county)
    for i in range(n):
        member = make_member(h, name=f"成员{i:02d}", birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=i))
        make_measure(household=h, title=f"措施{i:02d}", responsible=cadre)
        make_benefit(h, member=member)
        make_pairing(h, start_date=datetime.date(2016, 1, 1) + datetime.timedelta(days=i))
        make_visit(household=h, cadre=cadre, purpose=f"走访{i:02d}")
        make_household_year(h, year=2010 + i)
        make_status_change(h, date=datetime.date(2016, 1, 1) + datetime.timedelta(days=i))
    return h


def test_household_page_shows_everything_about_the_household(staff, village):
    h = full_household(village, n=2)
    response = staff.get(detail(h))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("测试户主", h.number, "希里演示01村", "帮扶中", "因病", "缺水", "低保户", "产业",
                 "成员00", "成员01", "措施00", "措施01", "低保金", "走访00", "民政局", "帮扶责任人",
                 "修改记录", "演示数据", "2010", "2011"):
        assert text in html, text
    assert 'class="demo-badge"' in html
    crumbs = re.search(r'<ol class="breadcrumb.*?</ol>', html, re.S).group(0)
    assert "乌兰县" in crumbs and "希里沟镇" in crumbs and "希里演示01村" in crumbs
    assert f'{LIST}?village={village.code}' in crumbs


def test_staff_never_sees_a_full_resident_id_but_an_administrator_does(client, django_user_model, wulan, village):
    h = make_household(village)
    member = make_member(h, id_number=make_resident_id("632821", datetime.date(1970, 5, 17), 123, SEX_MALE),
                         birth=datetime.date(1970, 5, 17))
    login_as(client, django_user_model, county=wulan)
    html = client.get(detail(h)).content.decode()
    assert member.id_number not in html
    assert mask_resident_id(member.id_number) in html
    assert not re.search(r"\d{17}[\dX]", html)
    login_as(client, django_user_model, superuser=True)
    html = client.get(detail(h)).content.decode()
    assert member.id_number in html


def test_history_shows_who_changed_what(client, django_user_model, wulan, village):
    h = make_household(village, status=Household.Status.IDENTIFIED)
    editor = django_user_model.objects.create_user("editor-wang")
    with set_actor(editor):
        h.status = Household.Status.ASSISTED
        h.save()
        member = make_member(h, name="新成员")
        member.name = "改名成员"
        member.save()
    login_as(client, django_user_model, county=wulan)
    html = client.get(detail(h)).content.decode()
    history = html[html.index('id="history-heading"'):]
    assert "editor-wang" in history
    assert "状态" in history and "已识别 → 帮扶中" in history
    assert "新成员 → 改名成员" in history
    assert "身份证号码" in history and member.id_number not in html  # the log stores the masked ID


def test_write_buttons_only_for_a_cadre_of_the_village(client, django_user_model, wulan, village):
    h = make_household(village)
    user = login_as(client, django_user_model, role=access.CADRE, county=wulan)
    cadre = make_cadre(wulan, user=user)
    other = make_household(make_village(village.township))
    make_assignment(cadre, village, start_date=datetime.date(2015, 1, 1))
    response = client.get(detail(h))
    assert response.context["can_write"] is True
    assert client.get(detail(other)).context["can_write"] is False
    staff_user = login_as(client, django_user_model, county=wulan)
    assert staff_user and client.get(detail(h)).context["can_write"] is False


# ------------------------------------------------------------------------------------------ query budgets


def bulk_village(township, n: int, tag: str):
    """A village of n households, each with two members, two years and a pairing (bulk-created)."""
    village = make_village(township)
    households = Household.objects.bulk_create([
        Household(village=village, number=f"{tag}{i:04d}", head_name=f"{tag}户{i}", primary_cause="illness",
                  status="assisted", identified_year=2015, is_demo=True)
        for i in range(n)
    ])
    members = []
    for i, h in enumerate(households):
        # one birth date per household and tag, so that the generated IDs never collide
        birth = datetime.date(1950 if tag == "S" else 1970, 1, 1) + datetime.timedelta(days=i)
        for k in range(2):
            members.append(Member(
                household=h, name=f"{tag}{i}-{k}", relation="head" if k == 0 else "spouse", sex=SEX_MALE,
                birth_date=birth, education="primary", labour="able",
                id_number=make_resident_id(township.county.code, birth, 2 * k + 1, SEX_MALE)))
    Member.objects.bulk_create(members)
    HouseholdYear.objects.bulk_create([
        HouseholdYear(household=h, year=y, income_per_capita=Decimal(3000 + i)) for i, h in enumerate(households)
        for y in (2015, 2016)
    ])
    helper = make_helper_staff(make_unit(township.county))
    Pairing.objects.bulk_create([Pairing(household=h, helper=helper, start_date=datetime.date(2016, 1, 1))
                                 for h in households])
    return village


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_the_same_for_10_and_500_households(staff, township):
    small = bulk_village(township, 10, "S")
    large = bulk_village(township, 500, "L")
    staff.get(LIST)  # warm caches (content types, sessions)
    counts = {}
    for name, village in (("small", small), ("large", large)):
        for params in ({"village": village.code}, {"village": village.code, "sort": "-income", "page": "1"},
                       {"village": village.code, "helper": "yes", "q": "户", "sort": "members"}):
            counts[(name, tuple(params))] = count_queries(staff, LIST, params)
    for params in ({"village": 1}, {"village": 1, "sort": 1, "page": 1}, {"village": 1, "helper": 1, "q": 1,
                                                                             "sort": 1}):
        key = tuple(params)
        assert counts[("small", key)] == counts[("large", key)], counts
    assert max(counts.values()) <= 12, counts
    # the whole county (510 households) costs the same too
    assert count_queries(staff, LIST, {}) <= 12


def test_detail_query_count_is_the_same_for_2_and_20_members_and_measures(staff, village):
    cadre = make_cadre(village.township.county)
    two = full_household(village, n=2, cadre=cadre)
    twenty = full_household(village, n=20, cadre=cadre)
    staff.get(detail(two))  # warm caches
    a = count_queries(staff, detail(two), {})
    b = count_queries(staff, detail(twenty), {})
    assert a == b, (a, b)
    assert a <= 16
    # the history of 20 members and measures is capped
    assert len(staff.get(detail(twenty)).context["history"]) == 50


def test_detail_query_count_does_not_grow_with_the_village(staff, township):
    small = bulk_village(township, 10, "S")
    large = bulk_village(township, 500, "L")
    h_small, h_large = small.households.first(), large.households.first()
    staff.get(detail(h_small))
    assert (count_queries(staff, detail(h_small), {})
            == count_queries(staff, detail(h_large), {}))
