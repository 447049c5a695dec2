"""The API's permission matrix, generated from the router: every route × every method × every role.

povertyboard.api.urls.router holds every endpoint; its URL patterns are walked at collection time. Each
pattern is called for every HTTP method (offered or not) by each role, on an object of the county the
users work in ("own") and of another county ("foreign"). The world is two copies of tests.factories.build_all()
(one connected row of every model per county), so every endpoint has a row in each county.
Expected outcomes:
- anonymous → 401 for everything, offered or not;
- a method the route does not offer → 405;
- a read of a row outside the user's area → 404; a list never holds such a row; a role that does not read
  the resource at all (READERS) → 403;
- a write by a role that may not make it → 403 (before the body is read), nothing written;
- a write by a writer on another county's row → 404, nothing written;
- a write by a writer in their area with an empty body → not refused (a 400 with field errors, or done).
WRITERS lists every write action and its roles; a write route missing from it fails the matrix.
"""

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from assessments.models import AssessmentPeriod
from povertyboard import access
from povertyboard.api.urls import router

ROLES = ("anonymous", "staff", "prefecture", "cadre", "supervisor", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OWN, FOREIGN = "own", "foreign"
ROLE_COUNTIES = {"anonymous": set(), "staff": {OWN}, "prefecture": {OWN, FOREIGN}, "cadre": {OWN},
                 "supervisor": {OWN}, "admin": {OWN, FOREIGN}}

# basename → {action → roles that may do it in their area}
WRITERS = {
    "measures": {"create": {"cadre", "admin"}, "partial_update": {"cadre", "admin"},
                 "implement": {"cadre", "admin"}, "cancel": {"cadre", "admin"}},
    "visits": {"create": {"cadre"}},
    "attendance-reports": {"create": {"cadre"}, "partial_update": {"cadre"}, "lock": {"supervisor", "admin"}},
    "commitments": {"create": {"cadre"}},
    "quarterly-reports": {"create": {"cadre"}},
    "allocations": {"advance": {"staff", "prefecture", "admin"}},
    "assessment-periods": {"create": {"supervisor", "admin"}, "score": {"supervisor", "admin"},
                           "close": {"supervisor", "admin"}},
    **{kind: {"create": {"supervisor", "admin"}, "partial_update": {"supervisor", "admin"},
              "destroy": {"supervisor", "admin"}}
       for kind in ("duty-ratings", "surveys", "bonus-items", "vetoes")},
}
# basename → the only roles that read it (as on the site: the 331 assessment is the supervisors'); others 403
ASSESSMENTS = ("assessment-periods", "scorecards", "duty-ratings", "surveys", "bonus-items", "vetoes")
READERS = {basename: {"supervisor", "admin"} for basename in ASSESSMENTS}
# query parameters a list requires (the scorecards of one period)
LIST_QUERY = {"scorecards-list": lambda world: f"?period={world[OWN][AssessmentPeriod].pk}"}
# URL kwargs other than the lookup, filled per route
EXTRA_KWARGS = {"chart_id": "distribution", "key": "identified-households"}


def routes() -> dict:
    """name → (viewset class, {method: action}, URL kwarg names) for every route of the router."""
    basenames = {viewset: basename for _prefix, viewset, basename in router.registry}
    found = {}
    for pattern in router.urls:
        if not isinstance(pattern, URLPattern) or pattern.name == "api-root":
            continue
        kwargs = sorted(pattern.pattern.regex.groupindex)
        if "format" in kwargs:
            continue
        callback = pattern.callback
        offered = {m.upper(): a for m, a in callback.actions.items() if m in callback.cls.http_method_names}
        found[pattern.name] = (callback.cls, offered, kwargs)
        BASENAMES[pattern.name] = basenames[callback.cls]
    return found


BASENAMES = {}
ROUTES = routes()


def cases():
    for name, (_cls, _actions, kwargs) in sorted(ROUTES.items()):
        scenarios = (OWN, FOREIGN) if kwargs else ("list",)
        for method in METHODS:
            for scenario in scenarios:
                for role in ROLES:
                    yield pytest.param(name, method, scenario, role, id=f"{name}-{method}-{scenario}-{role}")


def test_the_matrix_covers_every_write():
    """Every write action of the router has its writers listed (and nothing listed is missing)."""
    writes = {(BASENAMES[name], action) for name, (_cls, actions, _k) in ROUTES.items()
              for method, action in actions.items() if method not in ("GET", "HEAD", "OPTIONS")}
    listed = {(basename, action) for basename, acts in WRITERS.items() for action in acts}
    assert writes == listed, f"unlisted writes: {writes - listed}; listed but not routed: {listed - writes}"
    assert len(ROUTES) > 20


# ------------------------------------------------------------------------------------------ the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two counties with one row of every model each, and a user per role; rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build_world()
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    yield data
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def build_world() -> dict:
    from django.contrib.auth import get_user_model

    from cadres.models import Cadre
    from tests.factories import build_all, make_user_area
    from villages.models import County

    own, foreign = build_all(), build_all()
    User = get_user_model()
    users = {"admin": User.objects.create_superuser("api-admin")}
    for role, group, county in (("staff", access.COUNTY_STAFF, own[County]), ("cadre", access.CADRE, None),
                                ("supervisor", access.SUPERVISOR, own[County]),
                                ("prefecture", access.COUNTY_STAFF, None)):
        user = User.objects.create_user(f"api-{role}")
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        if county is not None:
            make_user_area(user, county=county)
        users[role] = user
    make_user_area(users["prefecture"], county=None, prefecture=own[County].prefecture)
    Cadre.objects.filter(pk=own[Cadre].pk).update(user=users["cadre"])
    return {"users": users, OWN: own, FOREIGN: foreign}


def row_for(world, cls, scenario):
    """The row of the viewset's model in the scenario's county (every model has exactly one per county)."""
    model = view_model(cls)
    return world[scenario][model]


def view_model(cls):
    assert getattr(cls, "queryset", None) is not None, f"{cls.__name__}: the matrix needs a class queryset"
    return cls.queryset.model


def url_kwargs(world, cls, kwargs, scenario):
    values = {}
    if scenario in (OWN, FOREIGN):
        row = row_for(world, cls, scenario)
        lookup = cls.lookup_field
        values[cls.lookup_url_kwarg or lookup] = getattr(row, lookup)
    for name in kwargs:
        values.setdefault(name, EXTRA_KWARGS.get(name))
    return values


def fingerprint():
    models = [LogEntry, *[m for app in ("villages", "households", "cadres", "assessments")
                          for m in apps.get_app_config(app).get_models()]]
    return {m._meta.label: m.objects.count() for m in models}


# ------------------------------------------------------------------------------------------ expectations


def expected(name, method, scenario, role) -> set:
    cls, actions, _kwargs = ROUTES[name]
    if role == "anonymous":
        return {401}
    action = actions.get(method)
    if action is None:
        return {405}
    if role not in READERS.get(BASENAMES[name], {role}):
        return {403}
    reads = scenario == "list" or scenario in ROLE_COUNTIES[role]
    if method == "GET":
        return {200} if reads else {404}
    writers = WRITERS.get(BASENAMES[name], {}).get(action, set())
    if role not in writers:
        return {403}
    if not reads:
        return {404}
    return {200, 201, 204, 400, 409}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "scenario", "role"), list(cases()))
def test_api_matrix(world, name, method, scenario, role):
    cls, actions, kwargs = ROUTES[name]
    url = reverse(f"api:{name}", kwargs=url_kwargs(world, cls, kwargs, scenario))
    if method == "GET" and name in LIST_QUERY:
        url += LIST_QUERY[name](world)
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world["users"][role])
    before = fingerprint()
    response = client.generic(method, url, data="{}", content_type="application/json")
    statuses = expected(name, method, scenario, role)
    assert response.status_code in statuses, (
        f"{method} {url} as {role}: {response.status_code}, expected {statuses}: {response.content[:600]!r}")
    if response.status_code >= 400 or method == "GET":
        assert fingerprint() == before, "a refused or read-only request changed the database"
    if method == "GET" and response.status_code == 200 and "results" in response.json():
        assert_no_foreign_rows(world, cls, response.json()["results"], role)


def assert_no_foreign_rows(world, cls, results, role):
    """A list holds no row of a county the role does not read."""
    if FOREIGN in ROLE_COUNTIES[role]:
        return
    foreign = row_for(world, cls, FOREIGN)
    lookup = cls.lookup_field
    value = getattr(foreign, lookup)
    assert all(row.get(lookup if lookup != "pk" else "id") != value for row in results), (
        f"{cls.__name__} lists another county's row {value} to {role}")
