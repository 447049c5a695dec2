"""The permission matrix, generated from the URLconf: every page × every signed-in role × GET and POST.

The URL patterns of the namespaces below (and the named site pages) are walked at collection time;
every pattern's kwargs are filled from the seeded database (build_targets: kwarg name → value), once with an object
of the cadre's own village ("own"), once with another village of the same county ("neighbour") and
once with an object of the other county ("foreign"). A pattern with a kwarg the mapping cannot fill
fails, so a new page cannot slip past the matrix. Expected outcomes, each an exact status:
- an object outside the user's area → 404;
- a write the user may not make → 403 and nothing changes (no row, no history entry);
- a permitted write → a redirect to the page WRITES names, the row's fields, exactly the rows it adds, and
  its history entry;
- a request without a session → the login page, nothing written: checked once per page, for every scenario
  and both methods (Django's login_required answers alike everywhere).
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.site_writes import WRITES, written_row
from tests.support import fingerprint, shared_data

NAMESPACES = ("areas", "households", "work", "reports", "assess", "imports")
SITE_PAGES = ("home", "password_change")
ROLES = ("staff", "golmud", "prefecture", "cadre", "supervisor", "admin")
GOLMUD, WULAN = "632801", "632821"
ROLE_COUNTIES = {
    "staff": {WULAN}, "golmud": {GOLMUD}, "prefecture": {GOLMUD, WULAN},
    "cadre": {GOLMUD}, "supervisor": {GOLMUD}, "admin": {GOLMUD, WULAN},
}
SCENARIO_COUNTY = {"own": GOLMUD, "neighbour": GOLMUD, "foreign": WULAN}
# kwargs that name something in an area; a pattern with one of them is checked in every scenario
SCOPED = {"county_code", "township_id", "village_code", "household_id", "measure_id", "report_id", "area_ref",
          "period_id", "cadre_id", "input_id", "flag_id"}
KWARGS = SCOPED | {"year", "quarter", "key", "area_kind", "kind", "import_kind"}
# Not compared: the history (a write's entry is checked on its own); the rules' checksum (a close is checked
# through the row's `closed`); and the dashboard snapshots, the stored cache of an area's figures that a page
# read computes and a write marks out of date (dashboards/snapshots.py; tests/villages/test_snapshots.py).
NOT_COMPARED = {"LogEntry", "period rules (crc32)", "DashboardSnapshot"}


def database_state() -> dict:
    """The fingerprint without the dashboard snapshots (see NOT_COMPARED)."""
    return {key: value for key, value in fingerprint().items() if key != "DashboardSnapshot"}


# ------------------------------------------------------------------------------------------ URLconf walk


def walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), sorted(entry.pattern.regex.groupindex)


def collect():
    seen = {}
    for name, kwargs in walk(get_resolver().url_patterns):
        namespace = name.split(":")[0] if ":" in name else None
        if (namespace in NAMESPACES or name in SITE_PAGES) and name not in seen:
            seen[name] = kwargs
    return seen


PATTERNS = collect()


def scenarios(name) -> tuple:
    return ("own", "neighbour", "foreign") if SCOPED & set(PATTERNS[name]) else ("any",)


def cases():
    for name in sorted(PATTERNS):
        for scenario in scenarios(name):
            for role in ROLES:
                for method in ("GET", "POST"):
                    yield pytest.param(name, scenario, role, method, id=f"{name}-{scenario}-{role}-{method}")


def test_the_matrix_covers_the_contract():
    """The walk finds the pages of the URL contract (and so would find any new one)."""
    for name in ("work:home", "work:measure_edit", "work:attendance_lock", "areas:village", "households:detail",
                 "reports:figure_rows", "home", "password_change"):
        assert name in PATTERNS, name
    unfillable = {name: set(kwargs) - KWARGS for name, kwargs in PATTERNS.items() if set(kwargs) - KWARGS}
    assert not unfillable, f"patterns with kwargs the matrix cannot fill: {unfillable}"


# ------------------------------------------------------------------------------------------ seeded data


@pytest.fixture(scope="module")
def targets(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back at the end; each test nests in it."""
    yield from shared_data(django_db_blocker, seed_and_build_targets)


def seed_and_build_targets() -> dict:
    from demo.seed import seed_reports

    seed_reports()
    return build_targets()


def build_targets() -> dict:
    from cadres.models import Assignment, AttendanceReport, Cadre
    from households.models import CrossCheckFlag, Household, Measure
    from villages.models import ReportFigure, Village

    cadre = Cadre.objects.get(user__username="cadre")
    own_village = Village.objects.get(pk=cadre.assignments.get().village_id)
    def planned(county):
        return (Measure.objects.filter(**{f"{Measure.county_path}__code": county}, status="planned",
                                       household__isnull=False).exclude(village=own_village)
                .select_related("village", "household").order_by("pk").first())

    measures = {"own": Measure.objects.filter(village=own_village, status="planned", household__isnull=False)
                .order_by("pk").first(), "neighbour": planned(GOLMUD), "foreign": planned(WULAN)}
    villages = {"own": own_village, "neighbour": measures["neighbour"].village,
                "foreign": measures["foreign"].village}
    households = {"own": Household.objects.filter(village=own_village, pairings__isnull=False).first(),
                  "neighbour": measures["neighbour"].household, "foreign": measures["foreign"].household}
    own_report = AttendanceReport.objects.create(cadre=cadre, month=datetime.date(2015, 6, 1), required_days=20,
                                                 days_present=20, submitted_at=timezone.now())
    neighbour_report = AttendanceReport.objects.filter(cadre__county__code=GOLMUD).exclude(cadre=cadre).first()
    foreign_cadre = (Cadre.objects.filter(county__code=WULAN, assignments__role__in=Assignment.RESIDENT_ROLES)
                     .first())
    foreign_report = (AttendanceReport.objects.filter(cadre__county__code=WULAN).first()
                      or AttendanceReport.objects.create(cadre=foreign_cadre, month=datetime.date(2015, 6, 1),
                                                         required_days=20, days_present=20))
    reports = {"own": own_report, "neighbour": neighbour_report, "foreign": foreign_report}
    # other cadres' reports are locked (as the seeded ones are): only the own one is still editable
    AttendanceReport.objects.filter(pk__in=[neighbour_report.pk, foreign_report.pk]).update(locked=True)
    keys = set(ReportFigure.objects.filter(county__code=GOLMUD).values_list("key", flat=True)) & set(
        ReportFigure.objects.filter(county__code=WULAN).values_list("key", flat=True))
    key = sorted(keys)[0]
    periods = assessment_targets(cadre, foreign_cadre)
    flags = {scenario: CrossCheckFlag.objects.create(
        household=household, source="车管所", label="车辆所有人", list_date=datetime.date(2016, 6, 30),
        matched_ids=household.members.values_list("id_number", flat=True).first() or "")
        for scenario, household in households.items()}
    values = {}
    for scenario in ("own", "neighbour", "foreign"):
        village = villages[scenario]
        values[scenario] = {
            "county_code": SCENARIO_COUNTY[scenario], "township_id": village.township_id,
            "village_code": village.code, "household_id": households[scenario].pk,
            "measure_id": measures[scenario].pk, "report_id": reports[scenario].pk, "year": 2016, "quarter": 1,
            "key": key, "area_kind": "village", "area_ref": village.code,
            "import_kind": "households", "flag_id": flags[scenario].pk,
            **periods[SCENARIO_COUNTY[scenario]],
        }
    values["any"] = values["own"]
    assert all(households.values()) and all(measures.values()) and all(reports.values())
    return {"values": values, "villages": villages, "households": households, "measures": measures,
            "reports": reports}


def assessment_targets(cadre, foreign_cadre) -> dict:
    """A scored period with a duty rating in each county (the seed has Golmud's; Wulan's is made here)."""
    from assessments.models import AssessmentPeriod, DutyRating
    from assessments.services import score_period

    golmud = AssessmentPeriod.objects.get(county__code=GOLMUD, name="2016年度")
    wulan = AssessmentPeriod.objects.create(county=foreign_cadre.county, name="2016年度", kind="annual",
                                            start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2016, 12, 31))
    DutyRating.objects.create(period=wulan, cadre=foreign_cadre, score=80, rater_name="矩阵测试")
    targets = {}
    for code, period, subject in ((GOLMUD, golmud, cadre), (WULAN, wulan, foreign_cadre)):
        score_period(period)
        targets[code] = {"period_id": period.pk, "cadre_id": subject.pk, "kind": "duty",
                         "input_id": DutyRating.objects.get(period=period, cadre=subject).pk}
    return targets


# ------------------------------------------------------------------------------------------ expectations


def in_area(role, scenario):
    return scenario == "any" or SCENARIO_COUNTY[scenario] in ROLE_COUNTIES[role]


def expected(name, scenario, role, method) -> tuple[set, bool]:
    """(allowed status codes, whether the request writes)."""
    reads = in_area(role, scenario)
    if name.startswith("assess:"):
        return expected_assessment(name.split(":")[1], reads, role, method)
    if name.startswith("imports:"):
        return expected_import(name.split(":")[1], reads, role, method)
    if not name.startswith("work:"):
        if method == "POST":
            if name == "password_change":
                return {200}, False  # the form re-shown with its errors
            return {405}, False  # every read-only page is GET/HEAD only, in or out of the user's area
        if not reads:
            return {404}, False
        if name == "home":
            return ({302} if len(ROLE_COUNTIES[role]) == 1 else {200}), False
        return {200}, False
    view = name.split(":")[1]
    cadre, admin = role == "cadre", role == "admin"
    writes_village = admin or (cadre and scenario in ("own", "any"))
    ok = 302 if method == "POST" else 200
    if view in ("home", "attendance_list"):
        return ({405}, False) if method == "POST" else ({200}, False)
    if view == "measure_create":
        return ({ok}, method == "POST") if (cadre or admin) else ({403}, False)
    if view in ("visit_create", "attendance_create", "commitment_edit", "quarterly_edit"):
        return ({ok}, method == "POST") if cadre else ({403}, False)
    if view == "measure_edit":
        if not reads:
            return {404}, False
        if method == "GET":
            return {200}, False
        return ({302}, True) if writes_village else ({403}, False)
    if view in ("measure_implement", "measure_cancel"):
        if not reads:
            return {404}, False
        return ({ok}, method == "POST") if writes_village else ({403}, False)
    if view == "attendance_edit":
        readable = admin or (reads and not cadre) or (cadre and scenario == "own")
        if not readable:
            return {404}, False
        if method == "GET":
            return {200}, False
        return ({302}, True) if cadre and scenario == "own" else ({403}, False)  # the seeded ones are locked
    if view == "attendance_lock":
        if method == "GET":
            return {405}, False
        if not reads:
            return {404}, False
        locks = role in ("supervisor", "admin") and scenario == "own"  # neighbour/foreign: already locked
        if role in ("supervisor", "admin"):
            return {302}, locks
        return {403}, False
    raise AssertionError(f"no expectation for {name}: add one to the matrix")


def expected_assessment(view, reads, role, method) -> tuple[set, bool]:
    """Supervisors and administrators only (403 for other roles), in their area (404 outside)."""
    safe_only = view in ("periods", "scorecards", "export", "sheet")
    if method == "POST" and safe_only:
        return {405}, False
    if method == "GET" and view in ("score", "close"):
        return {405}, False
    if role not in ("supervisor", "admin"):
        return {403}, False
    if not reads and view not in ("periods", "period_create"):
        return {404}, False
    if method == "GET":
        return {200}, False
    if view == "close":
        return {302}, True
    if view == "score":
        return {302}, False  # already scored: a re-run that changes nothing writes no history
    return {400}, False  # rules and inputs posted empty: the form re-shows its errors, nothing saved


def expected_import(view, reads, role, method) -> tuple[set, bool]:
    """County staff and administrators only (403 for cadres and supervisors); a flag outside the area is 404."""
    if method == "POST" and view in ("index", "template", "flags"):
        return {405}, False
    if method == "GET" and view in ("confirm", "crosscheck_confirm"):
        return {405}, False
    if role not in ("staff", "golmud", "prefecture", "admin"):
        return {403}, False
    if view == "flag" and not reads:
        return {404}, False
    if method == "GET":
        return {200}, False
    if view in ("confirm", "crosscheck_confirm"):
        return {302}, False  # no stored upload to confirm: back to the upload form with a message
    return {400}, False  # an upload or decision posted empty: the form re-shows its errors, nothing saved


def post_data(name, scenario, t) -> dict:
    today = timezone.localdate().isoformat()
    measure = t["measures"].get(scenario)
    own_household = t["households"]["own"]
    return {
        "work:measure_create": {"village": t["villages"]["own"].code, "household": own_household.pk,
                                "category": "industry", "title": "矩阵测试", "amount": "100",
                                "planned_date": "2016-04-01"},
        "work:measure_edit": measure and {"version": measure.version, "household": measure.household_id,
                                          "category": measure.category, "title": "矩阵测试", "amount": "100",
                                          "planned_date": measure.planned_date.isoformat()},
        "work:measure_implement": measure and {"version": measure.version, "implemented_date": today,
                                               "amount": "100", "evidence": "矩阵测试"},
        "work:measure_cancel": measure and {"version": measure.version, "cancel_reason": "矩阵测试"},
        "work:visit_create": {"household": own_household.pk, "kind": "home_visit", "date": today,
                              "purpose": "矩阵测试"},
        "work:attendance_create": {"month": "2015-05", "days_present": "10", "leave_days": "0",
                                   "reported_outings": "0", "unreported_absences": "0"},
        "work:attendance_edit": {"month": "2015-06", "days_present": "11", "leave_days": "0",
                                 "reported_outings": "0", "unreported_absences": "0"},
        "work:commitment_edit": {"content": "矩阵测试"},
        "work:quarterly_edit": {"content": "矩阵测试"},
    }.get(name) or {}


# ------------------------------------------------------------------------------------------ the matrix


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "scenario", "role", "method"), list(cases()))
def test_permission_matrix(client, django_user_model, targets, name, scenario, role, method):
    kwargs = {k: targets["values"][scenario][k] for k in PATTERNS[name]}
    url = reverse(name, kwargs=kwargs)
    user = django_user_model.objects.get(username=role)
    client.force_login(user)
    password = user.password
    statuses, writes = expected(name, scenario, role, method)
    before = database_state()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(name, scenario, targets))
    assert response.status_code in statuses, (
        f"{method} {url} as {role}: {response.status_code}, expected {statuses}\n"
        + (response.content.decode()[:1500] if response.status_code == 200 else "")
    )
    after = database_state()
    if method == "POST" and response.status_code == 302:
        assert_written(name, scenario, targets, response, before, after, writes)
    else:
        assert after == before, "a refused or read-only request changed the database"
    user.refresh_from_db()
    assert user.password == password


def assert_written(name, scenario, targets, response, before, after, writes):
    """A POST that redirects: to the page WRITES names, the row's fields, and exactly the rows it adds with its
    history entry when it writes (nothing at all when it does not)."""
    write = WRITES[name]
    row = written_row(write, scenario, targets)
    assert response["Location"] == write.redirect(row, targets), response["Location"]
    for attribute, value in write.fields.items():
        assert str(getattr(row, attribute)) == str(value), (attribute, getattr(row, attribute), value)
    if not writes:
        assert after == before, "a redirect that writes nothing changed the database"
        return
    moved = {key: after[key] - before[key] for key in after
             if after[key] != before[key] and key not in NOT_COMPARED}
    assert moved == write.adds, f"rows added or counters moved: {moved}, expected {write.adds}"
    assert after["LogEntry"] > before["LogEntry"], "a permitted write left no history"
    assert LogEntry.objects.get_for_object(row).exists(), "no history entry for the written row"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_without_a_session_every_method_is_sent_to_the_login_page(client, targets, name):
    before = database_state()
    for scenario in scenarios(name):
        url = reverse(name, kwargs={k: targets["values"][scenario][k] for k in PATTERNS[name]})
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, post_data(name, scenario, targets))
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(reverse("login")), (method, url, response["Location"])
    assert database_state() == before, "a request without a session changed the database"
