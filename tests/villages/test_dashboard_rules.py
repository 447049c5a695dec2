"""The dashboard's figures on rows made for the test (dashboards/dashboard.py): the poverty incidence and the row
filters. The checks on the seeded demo data are in test_dashboard.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dashboards import dashboard, figures
from households.models import Household
from tests import factories as f


@pytest.mark.django_db
def test_poverty_incidence_is_poor_people_over_registered_population():
    village = f.make_village(population=400)
    poor = f.make_household(village=village, status=Household.Status.ASSISTED)
    exited = f.make_household(village=village, status=Household.Status.EXITED, exit_year=2016)
    at_risk = f.make_household(village=village, status=Household.Status.AT_RISK)
    for h, n in ((poor, 3), (exited, 4), (at_risk, 2)):
        for _ in range(n):
            f.make_member(household=h)
    # (3 poor + 2 at risk) / 400 = 1.25 %
    assert figures.compute("poverty-incidence", village) == Decimal("1.25")
    assert figures.compute("exited-people", village) == 4
    assert figures.compute("at-risk-households", village) == 1
    empty = f.make_village(population=None)
    assert figures.compute("poverty-incidence", empty) == 0


@pytest.mark.django_db
def test_filters_outside_the_allowed_fields_are_ignored_and_bad_values_refused():
    village = f.make_village()
    f.make_household(village=village)
    rows, applied = dashboard.filtered_rows("identified-households", village, {"head_name": "x", "page": "2"})
    assert applied == {} and rows.count() == 1
    with pytest.raises(ValidationError):
        dashboard.filtered_rows("identified-households", village, {"status": "nonsense"})
    with pytest.raises(ValidationError):
        dashboard.filtered_rows("identified-households", village, {"group_no": "one"})
