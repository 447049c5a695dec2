"""A small world for the cadres' work tests: two counties, a cadre with a village, a neighbour, readers."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group

from povertyboard import access
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_household,
    make_measure,
    make_pairing,
    make_township,
    make_user_area,
    make_village,
)


def make_user(django_user_model, username, role=None, county=None):
    user = django_user_model.objects.create_user(username)  # no password: tests use force_login
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if county is not None:
        make_user_area(user, county=county)
    return user


@pytest.fixture
def world(db, django_user_model):
    golmud = make_county("632801", name="格尔木市")
    wulan = make_county("632821", name="乌兰县")
    township = make_township(golmud)
    mine = make_village(township, name="本村")
    neighbour = make_village(township, name="邻村")
    foreign = make_village(make_township(wulan), name="外县村")
    start = datetime.date(2015, 9, 1)

    cadre_user = make_user(django_user_model, "cadre", access.CADRE)
    cadre = make_cadre(golmud, user=cadre_user)
    make_assignment(cadre, mine, start_date=start)
    teammate_user = make_user(django_user_model, "teammate", access.CADRE)
    teammate = make_cadre(golmud, user=teammate_user)
    make_assignment(teammate, mine, role="team_member", start_date=start)
    other_user = make_user(django_user_model, "othercadre", access.CADRE)
    other = make_cadre(golmud, user=other_user)
    make_assignment(other, neighbour, start_date=start)

    household = make_household(mine)
    make_pairing(household)
    unpaired = make_household(mine)
    neighbour_household = make_household(neighbour)
    foreign_household = make_household(foreign)
    return SimpleNamespace(
        golmud=golmud, wulan=wulan, mine=mine, neighbour=neighbour, foreign=foreign,
        cadre_user=cadre_user, cadre=cadre, teammate_user=teammate_user, teammate=teammate,
        other_user=other_user, other=other,
        household=household, unpaired=unpaired, neighbour_household=neighbour_household,
        foreign_household=foreign_household,
        measure=make_measure(mine, household, planned_date=datetime.date(2016, 3, 1)),
        neighbour_measure=make_measure(neighbour, neighbour_household),
        foreign_measure=make_measure(foreign, foreign_household),
        staff=make_user(django_user_model, "staff", access.COUNTY_STAFF, golmud),
        supervisor=make_user(django_user_model, "supervisor", access.SUPERVISOR, golmud),
        wulan_supervisor=make_user(django_user_model, "wsupervisor", access.SUPERVISOR, wulan),
    )


def login(client, user):
    client.force_login(user)
    return client
