"""The API's permission matrix, generated from the router and from the writes described in matrix_cases.py.

povertyboard.api.urls.router holds every endpoint; its URL patterns are walked at collection time. Each
offered method of each route is called by each signed-in role, on a row of the county the users work in ("own")
and of another county ("foreign"). The world is two copies of tests.factories.build_all() (one connected row
of every model per county, plus a spare cadre), built once for the module and rolled back after it.
Expected outcomes, each an exact status:
- a read of a row outside the user's area → 404; a list never holds such a row; a role that does not read
  the resource at all (READERS) → 403;
- a write by a role that may not make it → 403 (before the body is read), nothing written;
- a write by a writer on another county's row → 404, nothing written;
- a write by a writer in their area, with the valid body of its Write → the Write's status, the row's fields,
  exactly the rows it adds, and a history entry for the row;
- an empty body → exactly the 400 naming the Write's required fields, nothing written.
What DRF answers alike on every route is checked once per route, for every role and method: a method the route
does not offer → 405, and any request without credentials → 401.
"""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from assessments.models import AssessmentPeriod
from povertyboard import access
from povertyboard.api.urls import router
from tests.api.matrix_cases import SPARE_CADRE, WRITES, Ref
from tests.support import fingerprint, shared_data
from villages.models import Village

ROLES = ("staff", "prefecture", "cadre", "supervisor", "admin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OWN, FOREIGN = "own", "foreign"
ROLE_COUNTIES = {"staff": {OWN}, "prefecture": {OWN, FOREIGN}, "cadre": {OWN}, "supervisor": {OWN},
                 "admin": {OWN, FOREIGN}}
# basename → the only roles that read it (as on the site: the 331 assessment is the supervisors'); others 403
ASSESSMENTS = ("assessment-periods", "scorecards", "duty-ratings", "surveys", "bonus-items", "vetoes")
READERS = {basename: {"supervisor", "admin"} for basename in ASSESSMENTS}
# query parameters a list requires (the scorecards of one period, the search's query)
# (the search needs a query: the own county's village name, which the foreign rows must not answer)
LIST_QUERY = {"scorecards-list": lambda world: f"?period={world[OWN][AssessmentPeriod].pk}",
              "search-list": lambda world: f"?q={world[OWN][Village].name}"}
# URL kwargs other than the lookup, filled per route
EXTRA_KWARGS = {"chart_id": "distribution", "key": "identified-households"}
# fingerprint counters a write may move besides what its Write names: the history (checked on its own), and the
# rules' checksum, which a close changes (checked through the row's `closed`)
NOT_COMPARED = {"LogEntry", "period rules (crc32)"}


def routes() -> dict:
    """name → (viewset class, basename, {method: action}, URL kwarg names) for every route of the router."""
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
        found[pattern.name] = (callback.cls, basenames[callback.cls], offered, kwargs)
    return found


ROUTES = routes()


def scenarios(name) -> tuple:
    return (OWN, FOREIGN) if ROUTES[name][3] else ("list",)


def cases():
    for name, (_cls, _basename, actions, _kwargs) in sorted(ROUTES.items()):
        for method in actions:
            for scenario in scenarios(name):
                for role in ROLES:
                    yield pytest.param(name, method, scenario, role, id=f"{name}-{method}-{scenario}-{role}")


def body_cases():
    for name, (_cls, basename, actions, _kwargs) in sorted(ROUTES.items()):
        for method, action in actions.items():
            write = WRITES.get(basename, {}).get(action)
            if write is not None and write.empty_body_errors is not None:
                yield pytest.param(name, method, id=f"{name}-{method}")


def test_the_matrix_covers_every_write():
    """Every write action of the router is described in matrix_cases.py (and nothing described is missing)."""
    writes = {(basename, action) for _cls, basename, actions, _k in ROUTES.values()
              for method, action in actions.items() if method != "GET"}
    described = {(basename, action) for basename, actions in WRITES.items() for action in actions}
    assert writes == described, f"undescribed writes: {writes - described}; described but not routed: " \
                                f"{described - writes}"
    assert len(ROUTES) > 20


# ------------------------------------------------------------------------------------------ the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Two counties with one row of every model each, and a user per role; rolled back at the end."""
    yield from shared_data(django_db_blocker, build_world)


def build_world() -> dict:
    from django.contrib.auth import get_user_model

    from cadres.models import Cadre
    from tests.factories import build_all, make_assignment, make_cadre, make_user_area
    from villages.models import County

    own, foreign = build_all(), build_all()
    for rows in (own, foreign):  # a cadre of the period without scoring inputs, for the inputs' creates
        rows[SPARE_CADRE] = make_cadre(rows[County])
        make_assignment(rows[SPARE_CADRE], rows[Village], role="team_member")
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


def view_model(cls):
    assert getattr(cls, "queryset", None) is not None, f"{cls.__name__}: the matrix needs a class queryset"
    return cls.queryset.model


def row_for(world, cls, scenario):
    """The row of the viewset's model in the scenario's county (every model has exactly one per county)."""
    return world[scenario][view_model(cls)]


def url_for(world, name, scenario) -> str:
    cls, _basename, _actions, kwargs = ROUTES[name]
    values = {}
    if scenario in (OWN, FOREIGN):
        lookup = cls.lookup_field
        values[cls.lookup_url_kwarg or lookup] = getattr(row_for(world, cls, scenario), lookup)
    for kwarg in kwargs:
        values.setdefault(kwarg, EXTRA_KWARGS.get(kwarg))
    return reverse(f"api:{name}", kwargs=values)


def resolve(value, world, county):
    if isinstance(value, Ref):
        row = world[county][value.key]
        row.refresh_from_db()  # a version or gate as the database holds it now
        return getattr(row, value.attr)
    if isinstance(value, dict):
        return {key: resolve(item, world, county) for key, item in value.items()}
    return value


def call(world, role, method, url, body=None):
    client = APIClient()
    if role is not None:
        client.force_authenticate(world["users"][role])
    data = None if body is None else json.dumps(body, default=str)
    return client.generic(method, url, data=data or "", content_type="application/json")


# ------------------------------------------------------------------------------------------ expectations


def expected(name, method, scenario, role):
    """The exact status, or the Write when the role may make this write here."""
    _cls, basename, actions, _kwargs = ROUTES[name]
    action = actions[method]
    if role not in READERS.get(basename, {role}):
        return 403
    reads = scenario == "list" or scenario in ROLE_COUNTIES[role]
    if method == "GET":
        return 200 if reads else 404
    write = WRITES[basename][action]
    if role not in write.roles:
        return 403
    if not reads:
        return 404
    return write


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "scenario", "role"), list(cases()))
def test_api_matrix(world, name, method, scenario, role):
    cls, _basename, _actions, _kwargs = ROUTES[name]
    url = url_for(world, name, scenario)
    if method == "GET" and name in LIST_QUERY:
        url += LIST_QUERY[name](world)
    outcome = expected(name, method, scenario, role)
    county = OWN if scenario == "list" else scenario
    body = resolve(outcome.body, world, county) if not isinstance(outcome, int) else {}
    before = fingerprint()
    response = call(world, role, method, url, body)
    status = outcome if isinstance(outcome, int) else outcome.status
    assert response.status_code == status, (
        f"{method} {url} as {role}: {response.status_code}, expected {status}: {response.content[:600]!r}")
    if isinstance(outcome, int):
        assert fingerprint() == before, "a refused or read-only request changed the database"
    else:
        assert_written(world, cls, county, outcome, response, before)
    if method == "GET" and "results" in response.json():
        assert_no_foreign_rows(world, cls, response.json()["results"], role)


def assert_written(world, cls, county, write, response, before):
    """The write's answer, the row's fields, exactly the rows it adds, and a history entry for the row."""
    after = fingerprint()
    moved = {key: after[key] - before[key] for key in after if after[key] != before[key] and key not in NOT_COMPARED}
    assert moved == write.adds, f"rows added or counters moved: {moved}, expected {write.adds}"
    model = view_model(cls)
    if response.status_code == 204:
        row = world[county][model]
        assert not model.objects.filter(pk=row.pk).exists()
        entries = LogEntry.objects.filter(content_type__model=model._meta.model_name, object_pk=str(row.pk),
                                          action=LogEntry.Action.DELETE)
        assert entries.exists(), "a delete left no history"
        return
    answer = response.json()
    for key, value in write.answer.items():
        assert answer[key] == value, (key, answer[key])
    row = model.objects.get(pk=answer["id"]) if response.status_code == 201 else \
        model.objects.get(pk=world[county][model].pk)
    if response.status_code == 201:
        assert answer["id"] not in {world[OWN][model].pk, world[FOREIGN][model].pk}, "a create answered an old row"
    for attribute, value in resolve(write.fields, world, county).items():
        assert str(getattr(row, attribute)) == str(value), (attribute, getattr(row, attribute), value)
    if write.history:
        assert after["LogEntry"] > before["LogEntry"], "a permitted write left no history"
        assert LogEntry.objects.get_for_object(row).exists(), "no history entry for the written row"


def assert_no_foreign_rows(world, cls, results, role):
    """A list holds no row of a county the role does not read."""
    if FOREIGN in ROLE_COUNTIES[role]:
        return
    foreign = row_for(world, cls, FOREIGN)
    lookup = cls.lookup_field
    value = getattr(foreign, lookup)
    assert all(row.get(lookup if lookup != "pk" else "id") != value for row in results), (
        f"{cls.__name__} lists another county's row {value} to {role}")


# ------------------------------------------------------------------------------------------ bodies


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), list(body_cases()))
def test_an_empty_body_is_refused_naming_the_required_fields(world, name, method):
    """A writer's empty body: a 400 naming exactly the fields the write requires, and nothing written. A PATCH
    requires no field: it answers 200 and adds no row (it may re-save the row: an attendance report is submitted
    again, a duty rating rated by the user, each with its history entry)."""
    _cls, basename, actions, _kwargs = ROUTES[name]
    write = WRITES[basename][actions[method]]
    role = sorted(write.roles)[0]
    before = fingerprint()
    response = call(world, role, method, url_for(world, name, scenarios(name)[0]), {})
    after = fingerprint()
    if write.empty_body_errors:
        assert response.status_code == 400, response.content[:600]
        assert set(response.json()) == write.empty_body_errors
        assert after == before, "a refused body changed the database"
    else:
        assert response.status_code == 200, response.content[:600]
        assert {key: after[key] for key in after if key != "LogEntry"} == \
            {key: before[key] for key in before if key != "LogEntry"}, "an empty PATCH added or moved rows"


# ------------------------------------------------------------------------------------------ DRF's own answers


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_methods_a_route_does_not_offer_are_405_for_every_role(world, name):
    unrouted = [method for method in METHODS if method not in ROUTES[name][2]]
    before = fingerprint()
    for scenario in scenarios(name):
        url = url_for(world, name, scenario)
        for role in ROLES:
            for method in unrouted:
                response = call(world, role, method, url, {})
                assert response.status_code == 405, (method, url, role, response.status_code)
    assert fingerprint() == before, "an unrouted method changed the database"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_requests_are_401_on_every_method(world, name):
    before = fingerprint()
    for scenario in scenarios(name):
        url = url_for(world, name, scenario)
        for method in METHODS:
            response = call(world, None, method, url, {})
            assert response.status_code == 401, (method, url, response.status_code)
            assert response["WWW-Authenticate"] == "Token"
    assert fingerprint() == before, "an anonymous request changed the database"
