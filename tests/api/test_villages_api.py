"""The villages API: areas and their dashboards (the numbers the pages show), report figures, projects and
funds, and the gate transition action (advance an allocation to its next gate)."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import dashboard, figures
from demo.seed import seed_reports
from households.models import Household
from povertyboard import access
from tests import factories as f
from villages import services
from villages.api.views import AllocationViewSet
from villages.models import County, FundAllocation, Gate, GateTransition, ReportFigure, Village

GOLMUD, WULAN = "632801", "632821"


@pytest.fixture
def funds(world):
    """Golmud: a project in `mine` with an allocation at 立项 (transitions 1–2); Wulan: one allocation."""
    project = f.make_project(world.golmud, world.mine, name="本村道路")
    source = f.make_fund_source(world.golmud, name="格尔木专项", amount=Decimal("800000.00"))
    allocation = f.make_allocation(source, project=project, amount=Decimal("300000.00"), gate=Gate.APPROVAL_OF_ITEM)
    for gate in (Gate.SELECTION, Gate.APPROVAL_OF_ITEM):
        f.make_gate_transition(allocation, gate=gate)
    to_household = f.make_allocation(source, household=world.household, amount=Decimal("5000.00"),
                                     gate=Gate.DISBURSEMENT)
    foreign = f.make_allocation(f.make_fund_source(world.wulan), village=world.foreign, gate=Gate.APPROVAL)
    return {"project": project, "source": source, "allocation": allocation, "to_household": to_household,
            "foreign": foreign}


def url(name, *args, **query):
    path = reverse(f"api:{name}", args=args)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def ok(response, status=200):
    assert response.status_code == status, response.content[:800]
    return response.json()


def results(response):
    return ok(response)["results"]


# ------------------------------------------------------------------ areas: lists, details, scoping


def test_area_lists_hold_only_the_users_counties(world, api):
    client = api(world.staff)
    assert [c["code"] for c in results(client.get(url("counties-list")))] == [GOLMUD]
    codes = {v["code"] for v in results(client.get(url("villages-list")))}
    assert codes == {world.mine.code, world.neighbour.code}
    townships = results(client.get(url("townships-list")))
    assert {t["county_code"] for t in townships} == {GOLMUD}
    assert ok(client.get(url("villages-detail", world.mine.code)))["county_code"] == GOLMUD


def test_another_countys_area_is_404_for_every_action(world, api):
    client = api(world.staff)
    foreign_township = world.foreign.township
    for name, ref in (("counties", WULAN), ("townships", foreign_township.pk), ("villages", world.foreign.code)):
        for action in ("detail", "summary", "charts"):
            assert client.get(url(f"{name}-{action}", ref)).status_code == 404, (name, action)
        assert client.get(url(f"{name}-chart", ref, "causes")).status_code == 404
        assert client.get(url(f"{name}-rows", ref, "identified-households")).status_code == 404


def test_village_list_filters_and_search(world, api):
    Village.objects.filter(pk=world.neighbour.pk).update(is_poor=False, exit_year=None)
    Village.objects.filter(pk=world.mine.pk).update(exit_year=2017)
    client = api(world.staff)
    assert [v["code"] for v in results(client.get(url("villages-list", is_poor="false")))] == [world.neighbour.code]
    exited = results(client.get(url("villages-list", exited="true")))
    assert [(v["code"], v["exited"], v["exit_year"]) for v in exited] == [(world.mine.code, True, 2017)]
    assert [v["code"] for v in results(client.get(url("villages-list", search="邻村")))] == [world.neighbour.code]
    assert len(results(client.get(url("villages-list", county=GOLMUD, township=world.mine.township_id)))) == 2


@pytest.mark.parametrize(("name", "query", "field"), [
    ("villages-list", {"is_poor": "maybe"}, "is_poor"),
    ("villages-list", {"exited": "1x"}, "exited"),
    ("villages-list", {"county": WULAN}, "county"),  # another county's code is not a choice
    ("villages-list", {"township": "abc"}, "township"),
    ("townships-list", {"kind": "city"}, "kind"),
    ("projects-list", {"status": "done"}, "status"),
    ("projects-list", {"village": "nope"}, "village"),
    ("fund-sources-list", {"kind": "lottery"}, "kind"),
    ("allocations-list", {"gate": "7"}, "gate"),
    ("allocations-list", {"year": "soon"}, "year"),
    ("gate-transitions-list", {"gate": "0"}, "gate"),
    ("report-figures-list", {"county": "999999"}, "county"),
    ("villages-list", {"ordering": "secret"}, "ordering"),
    ("projects-list", {"year": "2016.5"}, "year"),
])
def test_a_bad_filter_value_is_a_400_naming_the_filter(world, api, name, query, field):
    response = api(world.staff).get(url(name, **query))
    assert response.status_code == 400 and field in response.json(), response.content


# ------------------------------------------------------------------ dashboards: summary


@pytest.mark.parametrize("kind", ["county", "township", "village"])
def test_summary_numbers_are_the_pages_dashboard(world, funds, api, kind):
    area = {"county": world.golmud, "township": world.mine.township, "village": world.mine}[kind]
    ref = {"county": GOLMUD, "township": world.mine.township_id, "village": world.mine.code}[kind]
    name = {"county": "counties", "township": "townships", "village": "villages"}[kind]
    body = ok(api(world.staff).get(url(f"{name}-summary", ref)))
    board = dashboard.dashboard(area)

    assert (body["kind"], body["id"], body["name"]) == (kind, area.pk, area.name)
    assert body["county"] == {"code": GOLMUD, "name": "格尔木市"}
    assert body["township"] == ({"id": world.mine.township_id, "name": world.mine.township.name}
                                if kind == "village" else None)
    assert body["as_of"] == board.as_of.isoformat()
    assert [n["key"] for n in body["headline"]] == dashboard.HEADLINE[kind]
    for number in body["headline"]:
        assert Decimal(str(number["value"])) == figures.compute(number["key"], area), number["key"]
        assert number["rows"].endswith(url(f"{name}-rows", ref, number["key"]))
    if kind == "village":
        shown = {n["key"]: n["value"] for n in body["headline"]}
        assert (shown["identified-households"], shown["funds-allocated"], shown["projects"]) == (2, 30.5, 1)
    tables = {t["name"]: t["rows"] for t in body["tables"]}
    assert set(tables) == set(board.tables)
    for table, rows in board.tables.items():
        assert [(r["label"], Decimal(str(r["value"])), r["key"], r["filters"]) for r in tables[table]] == \
            [(str(label), cell.value, cell.key, cell.query) for label, cell in rows]
    assert body["report_figures"] == []


def test_summary_gate_table_links_to_the_allocations_at_each_gate(world, funds, api):
    client = api(world.staff)
    body = ok(client.get(url("villages-summary", world.mine.code)))
    gates = {r["label"]: r for r in next(t for t in body["tables"] if t["name"] == "funds_by_gate")["rows"]}
    assert gates["立项"]["value"] == 30.0 and gates["发放"]["value"] == 0.5 and gates["选项"]["value"] == 0
    rows = ok(client.get(gates["立项"]["rows"]))
    assert (rows["key"], rows["filters"], rows["count"], rows["value"]) == ("funds-allocated", {"gate": "2"}, 1, 30.0)


def test_county_summary_report_figures_are_the_reconciliation(db, api, django_user_model):
    seed_reports()
    client = api(django_user_model.objects.get(username="prefecture"))
    checked = 0
    for county in County.objects.all():
        body = ok(client.get(url("counties-summary", county.code)))
        expected = figures.reconcile(ReportFigure.objects.filter(county=county))
        assert len(body["report_figures"]) == len(expected) > 30
        for shown, result in zip(body["report_figures"], expected, strict=True):
            assert shown["key"] == result.figure.key
            assert shown["label"] == result.figure.label
            assert Decimal(str(shown["reported"])) == result.figure.value
            assert Decimal(str(shown["computed"])) == result.computed
            assert shown["matches"] is result.ok is True
            checked += 1
        # and the headline numbers are the figures computed in one place
        for number in body["headline"]:
            assert Decimal(str(number["value"])) == figures.compute(number["key"], county), number["key"]
        # the report-figures list agrees with the summary
        listed = results(client.get(url("report-figures-list", county=county.code, page_size=200)))
        assert [(r["key"], r["computed"], r["matches"]) for r in listed] == \
            [(r["key"], r["computed"], r["matches"]) for r in body["report_figures"]]
    assert checked == 75


# ------------------------------------------------------------------ dashboards: charts


CHART_IDS = ["distribution", "causes", "responsibility", "measures", "funds", "progress"]


@pytest.mark.parametrize("kind", ["county", "township", "village"])
def test_charts_are_the_pages_charts_with_their_cells(world, funds, api, kind):
    area = {"county": world.golmud, "township": world.mine.township, "village": world.mine}[kind]
    ref = {"county": GOLMUD, "township": world.mine.township_id, "village": world.mine.code}[kind]
    name = {"county": "counties", "township": "townships", "village": "villages"}[kind]
    charts = ok(api(world.staff).get(url(f"{name}-charts", ref)))
    expected = dashboard.dashboard(area).charts
    assert [c["id"] for c in charts] == CHART_IDS + ([] if kind == "village" else ["economy"])
    for shown, chart in zip(charts, expected, strict=True):
        spec = chart.as_json()
        assert {k: shown[k] for k in spec if k != "series"} == {k: v for k, v in spec.items() if k != "series"}
        assert shown["points"] == chart.points == sum(len(s["data"]) for s in shown["series"])
        for series, data in zip(shown["series"], spec["series"], strict=True):
            assert series["data"] == data["data"]
            assert [c["value"] for c in series["cells"]] == data["data"]
        for series, source in zip(shown["series"], chart.series, strict=True):
            assert [(c["key"], c["filters"]) for c in series["cells"]] == [(c.key, c.query) for c in source.cells]


def test_one_chart_and_unknown_or_missing_ids(world, funds, api):
    client = api(world.staff)
    causes = ok(client.get(url("villages-chart", world.mine.code, "causes")))
    chart = dashboard.causes_chart(world.mine)
    assert (causes["id"], causes["labels"], causes["points"]) == ("causes", chart.as_json()["labels"], chart.points)
    assert ok(client.get(url("counties-chart", GOLMUD, "economy")))["id"] == "economy"
    assert client.get(url("villages-chart", world.mine.code, "economy")).status_code == 404  # not on a village
    assert client.get(url("villages-chart", world.mine.code, "nope")).status_code == 404


def test_every_chart_builder_is_routed_by_its_id(world):
    from dashboards.api.serializers import CHARTS

    assert {key: make(world.golmud).id for key, make in CHARTS.items()} == {key: key for key in CHARTS}


def test_a_chart_cell_links_to_exactly_the_rows_it_counts(world, funds, api):
    f.make_household(world.mine, status=Household.Status.EXITED, exit_year=2017, planned_exit_year=2017)
    client = api(world.staff)
    progress = ok(client.get(url("villages-chart", world.mine.code, "progress")))
    checked = 0
    for series in progress["series"]:
        for cell in series["cells"]:
            if cell["key"] == "poverty-incidence":
                continue
            rows = ok(client.get(cell["rows"]))
            assert rows["value"] == cell["value"] and rows["filters"] == cell["filters"], cell
            checked += 1
    assert checked >= 2


# ------------------------------------------------------------------ the rows behind a number


def test_rows_of_a_figure_with_filters_masking_and_pages(world, api):
    client = api(world.staff)
    rows = ok(client.get(url("villages-rows", world.mine.code, "identified-households")))
    assert (rows["count"], rows["value"], rows["page"], rows["pages"]) == (2, 2.0, 1, 1)
    assert rows["label"] == "建档立卡贫困户" and rows["unit"] == "户" and len(rows["rows"][0]) == \
        len(rows["columns"])
    narrowed = ok(client.get(url("villages-rows", world.mine.code, "identified-households", status="exited")))
    assert (narrowed["count"], narrowed["filters"]) == (0, {"status": "exited"})
    assert client.get(url("villages-rows", world.mine.code, "identified-households", page=2)).status_code == 404
    assert client.get(url("villages-rows", world.mine.code, "no-such-figure")).status_code == 404


def test_rows_mask_resident_ids_except_for_admins(world, api, django_user_model):
    member = f.make_member(world.household)
    key_url = url("villages-rows", world.mine.code, "identified-people")
    shown = ok(api(world.staff).get(key_url))
    column = shown["columns"].index("身份证号码")
    assert all("*" in row[column] for row in shown["rows"])
    admin = django_user_model.objects.create_superuser("root")
    assert member.id_number in [row[column] for row in ok(api(admin).get(key_url))["rows"]]


def test_every_figure_has_its_rows_and_they_add_up_to_it(world, funds, api):
    township = world.mine.township
    client = api(world.staff)
    for key in figures.ALL_FIGURES:
        rows = ok(client.get(url("townships-rows", township.pk, key)))
        assert Decimal(str(rows["value"])) == figures.compute(key, township), key


def test_dashboard_queries_do_not_grow_with_households(world, funds, api):
    client = api(world.staff)
    ok(client.get(url("counties-list")))  # the user's access, computed once and kept on the user

    def queries():
        counts = []
        for action in ("summary", "charts"):
            with CaptureQueriesContext(connection) as captured:
                ok(client.get(url(f"villages-{action}", world.mine.code)))
            counts.append(len(captured))
        return counts

    small = queries()
    for n in range(30):
        household = f.make_household(world.mine, group_no=1 + n % 3, status=Household.Status.EXITED, exit_year=2017)
        f.make_member(household)
        f.make_measure(world.mine, household)
        f.make_allocation(funds["source"], household=household)
    assert queries() == small


@pytest.mark.parametrize(("key", "query", "field"), [
    ("identified-households", {"status": "rich"}, "status"),
    ("identified-households", {"group_no": "abc"}, "group_no"),
    ("identified-households", {"status": "exited", "exit_year": "x"}, "exit_year"),
    ("funds-allocated", {"gate": "9"}, "gate"),
    ("identified-households", {"page": "0"}, "page"),
    ("identified-households", {"group_no": "99999999999999999999"}, "group_no"),
    ("poverty-incidence", {"year": "99999999999999999999"}, "year"),
    ("poverty-incidence", {"year": "20x6"}, "year"),
])
def test_rows_with_a_bad_filter_value_are_a_400_naming_it(world, api, key, query, field):
    response = api(world.staff).get(url("villages-rows", world.mine.code, key, **query))
    assert response.status_code == 400 and list(response.json()) == [field], response.content


# ------------------------------------------------------------------ report figures


def test_report_figures_list_computes_each_figure(world, api):
    f.make_report_figure(world.golmud, key="villages", label="行政村", value=Decimal("2"))
    f.make_report_figure(world.golmud, key="poor-villages", label="贫困村", value=Decimal("5"),
                         comparison=ReportFigure.Comparison.AT_LEAST)
    f.make_report_figure(world.golmud, key="not-a-figure", label="无计算方法")
    f.make_report_figure(world.wulan, key="villages", value=Decimal("1"))
    client = api(world.staff)
    shown = {r["key"]: r for r in results(client.get(url("report-figures-list")))}
    assert set(shown) == {"villages", "poor-villages", "not-a-figure"}  # not Wulan's
    assert (shown["villages"]["reported"], shown["villages"]["computed"], shown["villages"]["matches"]) == \
        (2.0, 2.0, True)
    assert (shown["poor-villages"]["computed"], shown["poor-villages"]["matches"]) == (2.0, False)
    assert (shown["not-a-figure"]["computed"], shown["not-a-figure"]["matches"], shown["not-a-figure"]["rows"]) \
        == (None, False, None)
    assert ok(client.get(shown["villages"]["rows"]))["count"] == 2
    assert [r["key"] for r in results(client.get(url("report-figures-list", key="villages")))] == ["villages"]
    one = ok(client.get(url("report-figures-detail", shown["poor-villages"]["id"])))
    assert one == shown["poor-villages"]


# ------------------------------------------------------------------ projects, funds, allocations, transitions


def test_fund_lists_with_targets_transitions_and_filters(world, funds, api):
    client = api(world.staff)
    allocations = {a["id"]: a for a in results(client.get(url("allocations-list")))}
    assert set(allocations) == {funds["allocation"].pk, funds["to_household"].pk}
    shown = allocations[funds["allocation"].pk]
    assert (shown["target_kind"], shown["project"], shown["target_name"], shown["gate"], shown["gate_label"]) == \
        ("project", funds["project"].pk, "本村道路", 2, "立项")
    assert [t["gate"] for t in shown["transitions"]] == [1, 2]
    assert allocations[funds["to_household"].pk]["target_kind"] == "household"
    assert [a["id"] for a in results(client.get(url("allocations-list", gate=5)))] == [funds["to_household"].pk]
    in_village = results(client.get(url("allocations-list", village=world.mine.code)))
    assert {a["id"] for a in in_village} == {funds["allocation"].pk, funds["to_household"].pk}
    assert results(client.get(url("allocations-list", village=world.neighbour.code))) == []
    assert client.get(url("allocations-list", source=funds["foreign"].source_id)).status_code == 400
    sources = results(client.get(url("fund-sources-list", county=GOLMUD)))
    assert [(s["name"], s["allocated"]) for s in sources] == [("格尔木专项", "305000.00")]
    projects = results(client.get(url("projects-list", village=world.mine.code, status="in_progress")))
    assert [p["name"] for p in projects] == ["本村道路"]
    transitions = results(client.get(url("gate-transitions-list", allocation=funds["allocation"].pk)))
    assert [t["gate"] for t in transitions] == [1, 2]
    assert client.get(url("allocations-detail", funds["foreign"].pk)).status_code == 404


# ------------------------------------------------------------------ advancing an allocation through its gates


def advance(client, allocation, gate, note=""):
    return client.post(url("allocations-advance", allocation.pk), {"gate": gate, "note": note}, format="json")


def test_staff_advance_an_allocation_to_the_next_gate_with_history(world, funds, api, django_user_model):
    allocation = funds["allocation"]
    world.staff.first_name = "李明"
    world.staff.save()
    body = ok(advance(api(world.staff), allocation, 3, "材料已齐"))
    assert (body["gate"], body["gate_label"]) == (3, "申报")
    assert [t["gate"] for t in body["transitions"]] == [1, 2, 3]
    transition = GateTransition.objects.get(allocation=allocation, gate=3)
    assert (transition.actor, transition.actor_name, transition.note) == (world.staff, "李明", "材料已齐")
    assert abs((transition.at - datetime.datetime.now(datetime.UTC)).total_seconds()) < 60
    allocation.refresh_from_db()
    assert allocation.gate == Gate.APPLICATION
    updates = LogEntry.objects.get_for_object(allocation).filter(action=LogEntry.Action.UPDATE)
    assert [(e.actor, e.changes_dict) for e in updates] == [(world.staff, {"gate": [2, 3]})]
    assert LogEntry.objects.get_for_object(transition).filter(action=LogEntry.Action.CREATE).exists()


def test_advance_by_an_administrator_and_through_the_last_gate(world, funds, api, django_user_model):
    admin = django_user_model.objects.create_superuser("root")
    allocation = funds["to_household"]  # at 发放
    assert ok(advance(api(admin), allocation, 6))["gate"] == 6
    assert GateTransition.objects.get(allocation=allocation, gate=6).actor_name == "root"
    response = advance(api(admin), allocation, 6)
    assert response.status_code == 400 and "效益" in response.json()["gate"][0]


@pytest.mark.parametrize("gate", [4, 2, 1])
def test_only_the_next_gate_can_be_reached(world, funds, api, gate):
    before = GateTransition.objects.count(), LogEntry.objects.count()
    response = advance(api(world.staff), funds["allocation"], gate)
    assert response.status_code == 400
    message = response.json()["gate"][0]
    assert "立项" in message and str(Gate(gate).label) in message
    assert (GateTransition.objects.count(), LogEntry.objects.count()) == before
    assert FundAllocation.objects.get(pk=funds["allocation"].pk).gate == Gate.APPROVAL_OF_ITEM


@pytest.mark.parametrize("body", [{}, {"gate": 7}, {"gate": "three"}, {"gate": 3, "note": "x" * 201}])
def test_advance_body_errors(world, funds, api, body):
    response = api(world.staff).post(url("allocations-advance", funds["allocation"].pk), body, format="json")
    assert response.status_code == 400 and set(response.json()) <= {"gate", "note"}
    assert GateTransition.objects.filter(allocation=funds["allocation"]).count() == 2


@pytest.mark.parametrize("who", ["cadre_user", "supervisor", "other_user"])
def test_cadres_and_supervisors_may_not_advance(world, funds, api, who):
    before = GateTransition.objects.count(), LogEntry.objects.count()
    assert advance(api(getattr(world, who)), funds["allocation"], 3).status_code == 403
    assert (GateTransition.objects.count(), LogEntry.objects.count()) == before


def test_staff_of_another_county_get_404(world, funds, api, make_api_user):
    client = api(make_api_user("wstaff", access.COUNTY_STAFF, world.wulan))
    before = GateTransition.objects.count(), LogEntry.objects.count()
    assert advance(client, funds["allocation"], 3).status_code == 404
    assert (GateTransition.objects.count(), LogEntry.objects.count()) == before
    assert ok(advance(client, funds["foreign"], 5))["gate"] == 5  # their own county's allocation


def test_a_stale_read_is_a_409_with_the_current_row(world, funds, api, monkeypatch):
    allocation = funds["allocation"]
    read = AllocationViewSet.get_object

    def read_then_someone_else_advances(view):
        obj = read(view)
        FundAllocation.objects.filter(pk=obj.pk).update(gate=Gate.APPLICATION)
        return obj

    monkeypatch.setattr(AllocationViewSet, "get_object", read_then_someone_else_advances)
    before = GateTransition.objects.count(), LogEntry.objects.count()
    response = advance(api(world.staff), allocation, 3)
    assert response.status_code == 409, response.content
    assert response.json()["current"]["gate"] == 3 and response.json()["current"]["id"] == allocation.pk
    assert (GateTransition.objects.count(), LogEntry.objects.count()) == before


def test_the_service_checks_role_area_gate_and_staleness(world, funds, make_api_user):
    allocation = FundAllocation.objects.get(pk=funds["allocation"].pk)
    for user in (world.supervisor, world.cadre_user, make_api_user("wstaff", access.COUNTY_STAFF, world.wulan)):
        with pytest.raises(PermissionDenied):
            services.advance_gate(user=user, allocation=allocation, gate=3)
    with pytest.raises(ValidationError) as error:
        services.advance_gate(user=world.staff, allocation=allocation, gate=5)
    assert list(error.value.message_dict) == ["gate"]
    stale = FundAllocation.objects.get(pk=allocation.pk)
    services.advance_gate(user=world.staff, allocation=allocation, gate=3)
    with pytest.raises(services.StaleAllocation) as conflict:
        services.advance_gate(user=world.staff, allocation=stale, gate=3)
    assert conflict.value.current.gate == Gate.APPLICATION
    assert GateTransition.objects.filter(allocation=allocation, gate=3).count() == 1


def test_a_prefecture_account_of_county_staff_advances_in_each_county(world, funds, api, make_api_user):
    user = make_api_user("pref", access.COUNTY_STAFF)
    f.make_user_area(user, county=None, prefecture=world.golmud.prefecture)
    client = api(user)
    assert ok(advance(client, funds["allocation"], 3))["gate"] == 3
    assert ok(advance(client, funds["foreign"], 5))["gate"] == 5
