"""Area pages (issue 3): each page's queries do not grow with the village, and a cached page reads almost nothing.

Built from factories, apart from the seeded pages of test_area_pages.py: the demo data would skew the counts."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Assignment
from households.models import Household, Measure, Member, Pairing, PovertyCause, Visit
from povertyboard.access import COUNTY_STAFF
from povertyboard.resident_ids import SEX_MALE
from tests import factories as f
from villages.models import DashboardSnapshot, FundAllocation, Gate, Village

# ---------------------------------------------------------------- query budget


def build_village(n_households: int) -> Village:
    """A poor village with n households, their members, measures, pairings, visits and allocations."""
    county = f.make_county()
    township = f.make_township(county=county)
    village = f.make_village(township=township, group_count=4)
    f.make_collective_economy(village=village)
    cadre = f.make_cadre(county=county)
    f.make_assignment(cadre=cadre, village=village, role=Assignment.Role.FIRST_SECRETARY)
    helper = f.make_helper_staff(unit=f.make_unit(county=county))
    statuses = [Household.Status.ASSISTED, Household.Status.EXITED, Household.Status.AT_RISK]
    causes = list(PovertyCause.values)
    households = Household.objects.bulk_create([
        Household(village=village, number=f"N{i:05d}", group_no=i % 4 + 1, head_name=f"演示户主{i}",
                  primary_cause=causes[i % len(causes)], status=statuses[i % 3], identified_year=2015,
                  planned_exit_year=2016 + i % 3, exit_year=2016 if statuses[i % 3] == "exited" else None,
                  is_demo=True)
        for i in range(n_households)
    ])
    birth = datetime.date(1970, 5, 17)
    Member.objects.bulk_create([
        Member(household=h, name=f"演示成员{h.number}", id_number=f.resident_id(county.code, birth),
               relation=Member.Relation.HEAD, sex=SEX_MALE, birth_date=birth, education="primary", labour="able")
        for h in households
    ])
    Measure.objects.bulk_create([
        Measure(village=village, household=h, category="industry", title="测试措施",
                status="implemented" if i % 2 else "planned", planned_date=datetime.date(2016, 3, 1),
                implemented_date=datetime.date(2016, 4, 1) if i % 2 else None)
        for i, h in enumerate(households)
    ])
    Pairing.objects.bulk_create([Pairing(household=h, helper=helper, start_date=datetime.date(2016, 3, 1))
                                 for h in households[::2]])
    Visit.objects.bulk_create([Visit(village=village, household=h, kind="home_visit", date=datetime.date(2016, 5, 1),
                                     cadre=cadre, purpose="走访") for h in households])
    source = f.make_fund_source(county=county)
    FundAllocation.objects.bulk_create([FundAllocation(source=source, household=h, amount=Decimal(1000),
                                                       gate=Gate.DISBURSEMENT) for h in households])
    return village


def query_counts(client, village: Village) -> dict[str, int]:
    county = village.township.county
    urls = {
        "county": reverse("areas:county", args=[county.code]),
        "township": reverse("areas:township", args=[village.township_id]),
        "village": reverse("areas:village", args=[village.code]),
        "map": reverse("areas:map", args=[county.code]),
        "rows": reverse("areas:rows", args=["village", village.code, "identified-people"]),
        "rows-filtered": reverse("areas:rows", args=["county", county.code, "identified-households"])
        + "?status=assisted,exited",
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[name] = len(ctx)
    return counts


@pytest.mark.django_db
def test_each_page_makes_the_same_number_of_queries_for_10_and_500_households(client, django_user_model):
    small, large = build_village(10), build_village(500)
    user = django_user_model.objects.create_user("county-staff", password="x-long-password-1")
    f.make_user_area(user=user, county=None, prefecture="海西蒙古族藏族自治州")
    client.force_login(user)
    query_counts(client, small)  # warm-up (content types, sessions)

    def computing(village):  # the first read after a change computes the dashboard from the rows
        DashboardSnapshot.objects.all().delete()
        return query_counts(client, village)

    assert computing(small) == computing(large)
    # the next reads serve the stored dashboards
    query_counts(client, small)
    cached = query_counts(client, small)
    assert cached == query_counts(client, large)
    assert all(cached[page] < computing(small)[page] - 20 for page in ("county", "township", "village"))


@pytest.mark.django_db
def test_a_cached_area_page_reads_only_the_session_user_access_area_and_snapshot(client, django_user_model):
    village = build_village(10)
    county = village.township.county
    user = django_user_model.objects.create_user("one-county-staff", password="x-long-password-1")
    user.groups.add(Group.objects.get_or_create(name=COUNTY_STAFF)[0])
    f.make_user_area(user=user, county=county)
    client.force_login(user)
    urls = {"county": reverse("areas:county", args=[county.code]),
            "township": reverse("areas:township", args=[village.township_id]),
            "village": reverse("areas:village", args=[village.code])}
    for url in urls.values():
        client.get(url)  # computes the dashboard and caches the rendered figures
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        # session, user, access (one query), the area, the snapshot's version (the county's count of cross-check
        # flags is cached with its figures). The navigation names the user's one county: the page has read it.
        assert len(ctx) == 5, (name, [q["sql"][:80] for q in ctx])
