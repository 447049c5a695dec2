"""Fixtures every test package shares: the seeded demo database, the cadres' small world, API clients.

A package's own conftest.py may narrow one (tests/imports has its own `world`, tests/browser its own committed
`seeded`): the nearest definition wins.
"""

import datetime
from collections import defaultdict
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from povertyboard import access
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_household,
    make_measure,
    make_pairing,
    make_township,
    make_village,
)
from tests.support import make_user, shared_data


def pytest_configure(config):
    """A fast password hasher for the suite: the default PBKDF2 (a million rounds) took 0.45 s per password here,
    paid by every seeding (six demo accounts) and every test user given a password. No test measures the hasher;
    production keeps Django's default."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ------------------------------------------------------------------------------------------ the demo data


def _seed():
    from demo.seed import seed_reports

    return seed_reports()


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The demo data (demo.seed.seed_reports), seeded once for the module and rolled back after it.

    Seeding costs about 2.6 s; a module's tests share one seeding instead of paying it each. A test that must
    seed itself (seeding twice, a refusal to seed) or needs committed rows (live_server) must not use it."""
    yield from shared_data(django_db_blocker, _seed)


@pytest.fixture
def seeded(seeded_module, db):
    """The module's seeded demo data, each test in a savepoint of it (its writes are undone after it)."""
    return seeded_module


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(items):
    """Refuse a module that mixes seeded tests with other database tests.

    The seeded transaction stays open from the module's first seeded test to its end, so a later test of the
    module without `seeded` would find the demo data in its database (or, transactional, flush it away)."""
    modules = defaultdict(list)
    for item in items:
        modules[item.nodeid.split("::")[0]].append(item)
    mixed = []
    for tests in modules.values():
        if any("seeded_module" in item.fixturenames for item in tests):
            mixed += [item.nodeid for item in tests if "seeded_module" not in item.fixturenames
                      and (item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames))]
    if mixed:
        raise pytest.UsageError("tests without `seeded` in a module with seeded tests; move them to another "
                                "module: " + ", ".join(mixed))


# ------------------------------------------------------------------------------------------ the small world


@pytest.fixture
def world(db, django_user_model):
    """Two counties, a cadre with a village (and a teammate), a neighbour cadre, county staff and supervisors."""
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


# ------------------------------------------------------------------------------------------ API clients


@pytest.fixture
def api():
    """api(user) → an APIClient authenticated as user (None: anonymous)."""

    def client_for(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def make_api_user(django_user_model):
    """make_api_user(username, role=None, county=None) → a user of that role, working in that county."""

    def make(username, role=None, county=None):
        return make_user(django_user_model, username, role, county)

    return make
