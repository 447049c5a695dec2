"""The search's query count is the same for 10 matching rows of each kind as for 500 (it shows 20 per kind),
for a name, a whole resident ID and a whole phone, as an administrator and as county staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cadres.models import Cadre, Unit
from households.models import HelperStaff, Household, Member
from povertyboard import access
from tests import factories as f
from tests.support import make_user
from villages.models import County, Township, Village

PREFIX = "检索"
PHONE = "13800001111"


def grow(world, n):
    """n rows of every kind whose names start with PREFIX; the households' members and helpers share PHONE."""
    county, unit = world[County], world[Unit]
    townships = Township.objects.bulk_create(
        f.make_township(county, save=False, name=f"{PREFIX}乡{f.next_n()}") for _ in range(n))
    Village.objects.bulk_create(f.make_village(t, save=False, name=f"{PREFIX}村") for t in townships)
    households = Household.objects.bulk_create(
        f.make_household(world[Village], save=False, head_name=f"{PREFIX}户{f.next_n()}", phone=PHONE)
        for _ in range(n))
    Member.objects.bulk_create(f.make_member(h, save=False, name=f"{PREFIX}员{f.next_n()}", relation="child",
                                             phone=PHONE) for h in households)
    Cadre.objects.bulk_create(f.make_cadre(county, unit, save=False, name=f"{PREFIX}干部{f.next_n()}", phone=PHONE)
                              for _ in range(n))
    HelperStaff.objects.bulk_create(f.make_helper_staff(unit, save=False, name=f"{PREFIX}帮扶{f.next_n()}",
                                                        phone=PHONE) for _ in range(n))


def counted(client, q) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:search-list"), {"q": q})
    assert response.status_code == 200, response.content[:300]
    return len(queries), sum(len(group["hits"]) for group in response.json()["groups"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "staff"])
def test_search_queries_do_not_grow_with_rows(role, django_user_model):
    world = f.build_all()
    user = django_user_model.objects.create_superuser("search-admin") if role == "admin" else \
        make_user(django_user_model, "search-staff", access.COUNTY_STAFF, world[County])
    client = APIClient()
    client.force_authenticate(user)
    counted(client, "warm")  # the user's access, cached on the (forced) user object from then on
    grow(world, 9)
    id_number = Member.objects.filter(name__startswith=PREFIX).first().id_number
    small = {q: counted(client, q) for q in (PREFIX, id_number, PHONE)}
    grow(world, 491)
    large = {q: counted(client, q) for q in (PREFIX, id_number, PHONE)}
    assert small[PREFIX][1] >= 5 * 9 and large[PREFIX][1] == 5 * 20, (small, large)
    assert large[PHONE][1] == 3 * 20 and small[id_number][1] == large[id_number][1] == 1
    assert {q: n for q, (n, _hits) in small.items()} == {q: n for q, (n, _hits) in large.items()}, (small, large)
