"""Every list endpoint makes the same number of queries for 10 rows and for 500 (a page shows 50).

GROW names, for every list route of the router, how to add n rows of its model in the world's county;
a list route missing from GROW (or, for a list that is no page of rows, from OWN_BUDGET) fails, so a new
endpoint cannot escape its budget.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.models import AssessmentPeriod
from cadres.models import Cadre, Training, Unit
from households.models import Household
from povertyboard.api.urls import router
from tests import factories as f
from villages.models import County, FundSource, Township, Village


def cadres(world, n):
    return Cadre.objects.bulk_create(f.make_cadre(world[County], world[Unit], save=False) for _ in range(n))


def each_cadre(make):
    """n rows of a model unique per cadre (attendance per month, scorecards per period…): one cadre each."""
    def grow(world, n):
        rows = [make(world, cadre) for cadre in cadres(world, n)]
        type(rows[0]).objects.bulk_create(rows)
    return grow


def bulk(make):
    def grow(world, n):
        rows = [make(world) for _ in range(n)]
        type(rows[0]).objects.bulk_create(rows)
    return grow


def allocations(world, n):
    from villages.models import FundAllocation

    return FundAllocation.objects.bulk_create(
        f.make_allocation(world[FundSource], village=world[Village], save=False) for _ in range(n))


def households(world, n):
    return Household.objects.bulk_create(f.make_household(world[Village], save=False) for _ in range(n))


def with_children(rows):
    """Each grown household with a member, a measure and a pairing, so per-row figures have something to count."""
    from households.models import Measure, Member, Pairing

    Member.objects.bulk_create(f.make_member(h, save=False) for h in rows)
    Measure.objects.bulk_create(f.make_measure(h.village, h, save=False) for h in rows)
    helper = f.make_helper_staff(Unit.objects.filter(county=rows[0].village.township.county).first())
    Pairing.objects.bulk_create(f.make_pairing(h, helper, save=False) for h in rows)


def one_per(parent_rows, make):
    def grow(world, n):
        rows = [make(world, parent) for parent in parent_rows(world, n)]
        type(rows[0]).objects.bulk_create(rows)
    return grow


GROW = {
    "counties": bulk(lambda w: f.make_county(save=False, prefecture=w[County].prefecture)),
    "townships": bulk(lambda w: f.make_township(w[County], save=False)),
    "villages": bulk(lambda w: f.make_village(w[Township], save=False)),
    "projects": bulk(lambda w: f.make_project(w[County], w[Village], save=False)),
    "fund-sources": bulk(lambda w: f.make_fund_source(w[County], save=False)),
    "allocations": allocations,
    "gate-transitions": one_per(allocations, lambda w, a: f.make_gate_transition(a, save=False)),
    "report-figures": bulk(lambda w: f.make_report_figure(w[County], save=False)),
    "households": lambda w, n: with_children(households(w, n)),
    "members": one_per(households, lambda w, h: f.make_member(h, save=False)),
    "benefits": one_per(households, lambda w, h: f.make_benefit(h, save=False)),
    "helpers": bulk(lambda w: f.make_helper_staff(w[Unit], save=False)),
    "pairings": one_per(households, lambda w, h: f.make_pairing(h, f.make_helper_staff(w[Unit]), save=False)),
    "measures": one_per(households, lambda w, h: f.make_measure(h.village, h, save=False)),
    "visits": one_per(households, lambda w, h: f.make_visit(h.village, h, cadre=w[Cadre], save=False)),
    "cadres": cadres,
    "units": bulk(lambda w: f.make_unit(w[County], save=False)),
    "assignments": each_cadre(lambda w, c: f.make_assignment(c, w[Village], role="team_member", save=False)),
    "trainings": bulk(lambda w: f.make_training(w[County], save=False)),
    "training-attendances": each_cadre(lambda w, c: f.make_training_attendance(w[Training], c, save=False)),
    "promotions": each_cadre(lambda w, c: f.make_promotion(c, save=False)),
    "attendance-reports": each_cadre(lambda w, c: f.make_attendance_report(c, save=False)),
    "commitments": each_cadre(lambda w, c: f.make_annual_commitment(c, save=False)),
    "quarterly-reports": each_cadre(lambda w, c: f.make_quarterly_report(c, save=False)),
    "assessment-periods": bulk(lambda w: f.make_period(w[County], save=False)),
    "scorecards": each_cadre(lambda w, c: f.make_scorecard(w[AssessmentPeriod], c, save=False)),
    "duty-ratings": each_cadre(lambda w, c: f.make_duty_rating(w[AssessmentPeriod], c, save=False)),
    "surveys": each_cadre(lambda w, c: f.make_survey(w[AssessmentPeriod], c, save=False)),
    "bonus-items": each_cadre(lambda w, c: f.make_bonus_item(w[AssessmentPeriod], c, save=False)),
    "vetoes": each_cadre(lambda w, c: f.make_veto(w[AssessmentPeriod], c, save=False)),
}

ROOT = Path(settings.BASE_DIR)

# query parameters a list needs (the scorecards of one period)
PARAMS = {"scorecards": lambda w: {"period": w[AssessmentPeriod].pk}}

# lists that are no page of rows, with the module that holds their budget test at two sizes
OWN_BUDGET = {"search": "tests/search/test_search_budget.py"}

LISTS = sorted(basename for _prefix, viewset, basename in router.registry
               if hasattr(viewset, "list") and basename not in OWN_BUDGET)


def test_every_list_has_a_budget_test():
    assert set(LISTS) == set(GROW), f"no GROW for {set(LISTS) - set(GROW)}; stale: {set(GROW) - set(LISTS)}"
    assert all((ROOT / module).is_file() for module in OWN_BUDGET.values())


def count_queries(client, url, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries), len(response.json()["results"])


@pytest.mark.django_db
@pytest.mark.parametrize("basename", LISTS)
def test_list_queries_do_not_grow_with_rows(basename, django_user_model):
    world = f.build_all()
    admin = django_user_model.objects.create_superuser("budget-admin")
    client = APIClient()
    client.force_authenticate(admin)
    url = reverse(f"api:{basename}-list")
    params = PARAMS.get(basename, lambda w: {})(world)
    GROW[basename](world, 9)
    small, shown_small = count_queries(client, url, params)
    GROW[basename](world, 491)
    large, shown_large = count_queries(client, url, params)
    assert shown_small >= 10 and shown_large == 50, (shown_small, shown_large)
    assert large == small, f"{basename}: {small} queries for {shown_small} rows, {large} for {shown_large}"

