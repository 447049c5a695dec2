"""The cadres API: cadres, units, assignments, trainings and promotions (read, area-scoped, filtered), and the
cadres' own reports (monthly attendance, annual commitments, quarterly reports) written through cadres.services."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from cadres.models import AnnualCommitment, AttendanceReport, QuarterlyReport
from povertyboard.history import history_of
from tests.factories import (
    make_annual_commitment,
    make_assignment,
    make_attendance_report,
    make_cadre,
    make_promotion,
    make_quarterly_report,
    make_training,
    make_training_attendance,
    make_unit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(basename, pk=None, action=None):
    if action:
        return reverse(f"api:{basename}-{action}", args=[pk])
    return reverse(f"api:{basename}-detail", args=[pk]) if pk else reverse(f"api:{basename}-list")


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def assert_history(obj, action, actor, **changes):
    """The newest history entry of obj: its action, who made it and the old → new of some fields."""
    entry = history_of(obj).first()
    assert entry is not None
    assert entry.action == action
    assert entry.actor == actor
    for field, (old, new) in changes.items():
        assert [str(v) for v in entry.changes_dict[field]] == [old, new]


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def wulan_cadre(world):
    cadre = make_cadre(world.wulan, phone="13987654321")
    make_assignment(cadre, world.foreign)
    return cadre


# ------------------------------------------------------------------------------------------ read-only lists


READ_ONLY = {
    "units": lambda county, cadre: make_unit(county),
    "trainings": lambda county, cadre: make_training(county),
    "training-attendances": lambda county, cadre: make_training_attendance(make_training(county), cadre),
    "promotions": lambda county, cadre: make_promotion(cadre),
    "assignments": lambda county, cadre: cadre.assignments.get(),
    "cadres": lambda county, cadre: cadre,
}


@pytest.mark.parametrize("basename", READ_ONLY)
def test_read_only_lists_show_the_users_counties_only(world, wulan_cadre, api, basename):
    mine = READ_ONLY[basename](world.golmud, world.other)
    foreign = READ_ONLY[basename](world.wulan, wulan_cadre)
    client = api(world.staff)
    listed = ids(client.get(url(basename), {"page_size": 200}))
    assert mine.pk in listed and foreign.pk not in listed
    assert client.get(url(basename, mine.pk)).status_code == 200
    assert client.get(url(basename, foreign.pk)).status_code == 404
    assert foreign.pk in ids(api(world.wulan_supervisor).get(url(basename), {"page_size": 200}))


def test_cadre_rows_with_current_assignments_and_masked_phones(world, api, admin):
    world.cadre.phone = "13912345678"
    world.cadre.save()
    make_assignment(world.cadre, world.neighbour, role="team_member", start_date=datetime.date(2014, 1, 1),
                    end_date=datetime.date(2015, 1, 1))  # ended: not current
    row = api(world.staff).get(url("cadres", world.cadre.pk)).json()
    assert row["phone"] == "139****5678"
    assert row["county"] == "632801"
    assert row["unit"] == world.cadre.unit_id and row["unit_name"] == world.cadre.unit.name
    assert [(a["village"], a["village_name"], a["role"]) for a in row["current_assignments"]] == [
        (world.mine.code, "本村", "first_secretary")]
    assert api(admin).get(url("cadres", world.cadre.pk)).json()["phone"] == "13912345678"
    for user in (world.cadre_user, world.supervisor):
        assert "13912345678" not in api(user).get(url("cadres")).content.decode()


def test_cadre_without_unit_or_phone(world, api):
    cadre = make_cadre(world.golmud, phone="")
    cadre.unit = None
    cadre.save()
    row = api(world.staff).get(url("cadres", cadre.pk)).json()
    assert row["unit"] is None and row["unit_name"] is None and row["phone"] == ""
    assert row["current_assignments"] == []


def test_cadre_filters(world, api):
    ended = make_cadre(world.golmud)
    make_assignment(ended, world.mine, start_date=datetime.date(2014, 1, 1), end_date=datetime.date(2015, 1, 1))
    client = api(world.staff)
    assert ids(client.get(url("cadres"), {"village": world.mine.code})) == {world.cadre.pk, world.teammate.pk}
    assert ids(client.get(url("cadres"), {"role": "team_member"})) == {world.teammate.pk}
    # village and role select the same current assignment
    assert ids(client.get(url("cadres"), {"village": world.neighbour.code, "role": "team_member"})) == set()
    assert ids(client.get(url("cadres"), {"village": world.neighbour.code, "role": "first_secretary"})) == {
        world.other.pk}
    assert ids(client.get(url("cadres"), {"unit": world.cadre.unit_id})) == {world.cadre.pk}
    assert ids(client.get(url("cadres"), {"county": "632801", "search": world.other.name})) == {world.other.pk}


@pytest.mark.parametrize("params, field", [
    ({"role": "boss"}, "role"),
    ({"village": "no-such-village"}, "village"),
    ({"county": "632821"}, "county"),  # a county outside the user's area
    ({"unit": "abc"}, "unit"),
    ({"unit": "99999999999999999999"}, "unit"),
    ({"ordering": "phone"}, "ordering"),
])
def test_cadre_filters_reject_bad_values(world, api, params, field):
    response = api(world.staff).get(url("cadres"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_cadre_filters_reject_another_countys_village(world, api):
    response = api(world.staff).get(url("cadres"), {"village": world.foreign.code})
    assert response.status_code == 400 and "village" in response.json()


def test_unit_rows_and_filters(world, api):
    enterprise = make_unit(world.golmud, kind="enterprise")
    make_cadre(unit=enterprise)
    make_cadre(unit=enterprise)
    client = api(world.staff)
    assert ids(client.get(url("units"), {"kind": "enterprise"})) == {enterprise.pk}
    row = client.get(url("units", enterprise.pk)).json()
    assert row["cadre_count"] == 2 and row["county"] == "632801" and row["kind"] == "enterprise"
    assert client.get(url("units"), {"kind": "bank"}).status_code == 400


def test_assignment_filters(world, api):
    ended = make_assignment(world.other, world.mine, role="team_member", start_date=datetime.date(2014, 1, 1),
                            end_date=datetime.date(2015, 1, 1))
    client = api(world.staff)
    in_mine = ids(client.get(url("assignments"), {"village": world.mine.code}))
    assert ended.pk in in_mine and len(in_mine) == 3
    assert ids(client.get(url("assignments"), {"village": world.mine.code, "current": "false"})) == {ended.pk}
    current = ids(client.get(url("assignments"), {"current": "true"}))
    assert ended.pk not in current and len(current) == 3
    assert ids(client.get(url("assignments"), {"cadre": world.other.pk, "role": "team_member"})) == {ended.pk}
    assert client.get(url("assignments", ended.pk)).json()["is_current"] is False
    for params, field in (({"current": "maybe"}, "current"), ({"role": "x"}, "role"),
                          ({"village": world.foreign.code}, "village"), ({"cadre": "x"}, "cadre")):
        response = client.get(url("assignments"), params)
        assert response.status_code == 400 and field in response.json()


def test_assignment_filters_refuse_another_countys_cadre(world, wulan_cadre, api):
    response = api(world.staff).get(url("assignments"), {"cadre": wulan_cadre.pk})
    assert response.status_code == 400 and "cadre" in response.json()


def test_training_rows_and_filters(world, api):
    spring = make_training(world.golmud, kind="thematic", start_date=datetime.date(2016, 4, 1))
    autumn = make_training(world.golmud, kind="pre_post", start_date=datetime.date(2016, 10, 1))
    make_training_attendance(spring, world.cadre)
    make_training_attendance(spring, world.other)
    client = api(world.staff)
    assert client.get(url("trainings", spring.pk)).json()["attendee_count"] == 2
    assert ids(client.get(url("trainings"), {"kind": "thematic"})) == {spring.pk}
    assert ids(client.get(url("trainings"), {"start_date_after": "2016-09-01"})) == {autumn.pk}
    assert ids(client.get(url("training-attendances"), {"training": spring.pk, "cadre": world.other.pk})) == {
        world.other.training_attendances.get().pk}
    for params, field in (({"kind": "party"}, "kind"), ({"start_date_after": "2016-02-30"}, "start_date")):
        response = client.get(url("trainings"), params)
        assert response.status_code == 400 and field in response.json()


def test_promotion_filters(world, api):
    early = make_promotion(world.cadre, date=datetime.date(2016, 1, 1))
    late = make_promotion(world.other, date=datetime.date(2017, 6, 1))
    client = api(world.staff)
    assert ids(client.get(url("promotions"), {"date_after": "2017-01-01"})) == {late.pk}
    assert ids(client.get(url("promotions"), {"cadre": world.cadre.pk})) == {early.pk}
    assert [r["id"] for r in client.get(url("promotions"), {"ordering": "date"}).json()["results"]] == [
        early.pk, late.pk]
    assert client.get(url("promotions"), {"date_before": "yesterday"}).status_code == 400


# ------------------------------------------------------------------------------------------ attendance reads


def test_attendance_reports_are_read_as_on_the_site(world, wulan_cadre, api):
    own = make_attendance_report(world.cadre)
    teammates = make_attendance_report(world.teammate)
    foreign = make_attendance_report(wulan_cadre)
    assert ids(api(world.cadre_user).get(url("attendance-reports"))) == {own.pk}
    assert api(world.cadre_user).get(url("attendance-reports", teammates.pk)).status_code == 404
    for reader in (world.staff, world.supervisor):
        assert ids(api(reader).get(url("attendance-reports"))) == {own.pk, teammates.pk}
        assert api(reader).get(url("attendance-reports", foreign.pk)).status_code == 404
    row = api(world.supervisor).get(url("attendance-reports", own.pk)).json()
    assert row["month"] == "2016-03-01" and row["days_present"] == 22 and row["cadre_name"] == world.cadre.name


def test_attendance_report_filters(world, api):
    march = make_attendance_report(world.cadre)
    april = make_attendance_report(world.cadre, month=datetime.date(2016, 4, 1), locked=True)
    other_year = make_attendance_report(world.teammate, month=datetime.date(2015, 4, 1))
    client = api(world.supervisor)
    assert ids(client.get(url("attendance-reports"), {"month": "2016-03"})) == {march.pk}
    assert ids(client.get(url("attendance-reports"), {"year": 2016})) == {march.pk, april.pk}
    assert ids(client.get(url("attendance-reports"), {"locked": "true"})) == {april.pk}
    assert ids(client.get(url("attendance-reports"), {"locked": "false"})) == {march.pk, other_year.pk}
    assert ids(client.get(url("attendance-reports"), {"cadre": world.teammate.pk})) == {other_year.pk}
    for params, field in (({"year": "twenty"}, "year"), ({"year": "2016.5"}, "year"), ({"month": "2016-13"}, "month"),
                          ({"locked": "yes"}, "locked"), ({"county": "999999"}, "county")):
        response = client.get(url("attendance-reports"), params)
        assert response.status_code == 400 and field in response.json(), params


# ------------------------------------------------------------------------------------------ attendance writes


def test_cadre_files_an_attendance_report(world, api):
    response = api(world.cadre_user).post(url("attendance-reports"), {
        "month": "2016-02", "days_present": 20, "leave_days": 2, "reported_outings": 1}, format="json")
    assert response.status_code == 201, response.content
    report = AttendanceReport.objects.get()
    assert (report.cadre, report.month, report.required_days, report.days_present, report.leave_days,
            report.reported_outings, report.unreported_absences) == (
        world.cadre, datetime.date(2016, 2, 1), 20, 20, 2, 1, 0)
    assert response.json()["id"] == report.pk and response.json()["month"] == "2016-02-01"
    assert_history(report, LogEntry.Action.CREATE, world.cadre_user)


def test_history_names_a_token_authenticated_writer(world, client):
    _row, token = ApiToken.objects.create(user=world.cadre_user)
    response = client.post(url("attendance-reports"), {"month": "2016-02-10", "days_present": 20},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 201, response.content
    assert_history(AttendanceReport.objects.get(), LogEntry.Action.CREATE, world.cadre_user)


NEXT_MONTH = (TODAY.replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")


@pytest.mark.parametrize("body, field", [
    ({"month": "2016-13", "days_present": 1}, "month"),
    ({"month": "March", "days_present": 1}, "month"),
    ({"month": NEXT_MONTH, "days_present": 1}, "month"),  # a future month
    ({"month": "2016-03"}, "days_present"),
    ({"month": "2016-02", "days_present": 25, "leave_days": 5}, "days_present"),  # 30 days in February 2016
    ({"month": "2016-03", "days_present": -1}, "days_present"),
    ({"month": "2016-03", "days_present": 32}, "days_present"),
    ({"month": "2016-03", "days_present": "many"}, "days_present"),
    ({"month": "2016-03", "days_present": 1, "leave_days": None}, "leave_days"),
    ({"month": "2016-03", "days_present": 1, "unreported_absences": 10 ** 30}, "unreported_absences"),
    ({"month": 201603, "days_present": 1}, "month"),
])
def test_attendance_report_field_errors(world, api, body, field):
    response = api(world.cadre_user).post(url("attendance-reports"), body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert AttendanceReport.objects.count() == 0


def test_attendance_report_body_must_be_an_object(world, api):
    response = api(world.cadre_user).post(url("attendance-reports"), [1, 2], format="json")
    assert response.status_code == 400
    assert AttendanceReport.objects.count() == 0


def test_second_report_for_a_month_is_a_field_error(world, api):
    make_attendance_report(world.cadre)
    response = api(world.cadre_user).post(url("attendance-reports"), {"month": "2016-03-15", "days_present": 1},
                                          format="json")
    assert response.status_code == 400 and "month" in response.json()
    assert AttendanceReport.objects.count() == 1


@pytest.mark.parametrize("who", ["staff", "supervisor", "wulan_supervisor", "retired"])
def test_only_cadres_at_work_file_reports(world, api, who):
    if who == "retired":  # a cadre whose only assignment has ended
        world.other.assignments.update(end_date=datetime.date(2016, 1, 1))
        user = world.other_user
    else:
        user = getattr(world, who)
    client = api(user)
    for basename, body in (("attendance-reports", {"month": "2016-02", "days_present": 20}),
                           ("commitments", {"year": 2016, "content": "承诺"}),
                           ("quarterly-reports", {"year": 2016, "quarter": 1, "content": "报告"})):
        assert client.post(url(basename), body, format="json").status_code == 403
    assert (AttendanceReport.objects.count(), AnnualCommitment.objects.count(), QuarterlyReport.objects.count()) \
        == (0, 0, 0)


def test_cadre_corrects_their_report(world, api):
    report = make_attendance_report(world.cadre)
    response = api(world.cadre_user).patch(url("attendance-reports", report.pk),
                                           {"days_present": 18, "unreported_absences": 2}, format="json")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.days_present, report.unreported_absences) == (18, 2)
    assert response.json()["days_present"] == 18
    assert_history(report, LogEntry.Action.UPDATE, world.cadre_user, days_present=("22", "18"))


def test_moving_a_report_to_another_month_takes_that_months_required_days(world, api):
    report = make_attendance_report(world.cadre, required_days=15)
    response = api(world.cadre_user).patch(url("attendance-reports", report.pk), {"month": "2016-02"},
                                           format="json")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert (report.month, report.required_days) == (datetime.date(2016, 2, 1), 20)


@pytest.mark.parametrize("body, field", [
    ({"month": "2016-04"}, "month"),  # already filed
    ({"days_present": 29}, "days_present"),  # 29 + 2 + 1 > 31
    ({"leave_days": -2}, "leave_days"),
    ({"month": "2016-02-31"}, "month"),
])
def test_report_corrections_with_field_errors_change_nothing(world, api, body, field):
    report = make_attendance_report(world.cadre)
    make_attendance_report(world.cadre, month=datetime.date(2016, 4, 1))
    response = api(world.cadre_user).patch(url("attendance-reports", report.pk), body, format="json")
    assert response.status_code == 400 and field in response.json()
    report.refresh_from_db()
    assert (report.month, report.days_present, report.leave_days) == (datetime.date(2016, 3, 1), 22, 2)


@pytest.mark.parametrize("who, status", [
    ("teammate_user", 404),  # a cadre reads only their own reports, as on the site
    ("staff", 403), ("supervisor", 403), ("wulan_supervisor", 403),  # the role first, whatever the row
])
def test_only_the_cadre_corrects_their_report(world, api, who, status):
    report = make_attendance_report(world.cadre)
    response = api(getattr(world, who)).patch(url("attendance-reports", report.pk), {"days_present": 1},
                                              format="json")
    assert response.status_code == status
    report.refresh_from_db()
    assert report.days_present == 22 and history_of(report).count() == 1  # its creation only


def test_a_locked_report_cannot_be_corrected(world, api):
    report = make_attendance_report(world.cadre, locked=True)
    response = api(world.cadre_user).patch(url("attendance-reports", report.pk), {"days_present": "bad"},
                                           format="json")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.days_present == 22


def test_reports_are_not_replaced_or_deleted(world, api):
    report = make_attendance_report(world.cadre)
    client = api(world.cadre_user)
    body = {"month": "2016-03", "days_present": 1}
    assert client.put(url("attendance-reports", report.pk), body, format="json").status_code == 405
    assert client.delete(url("attendance-reports", report.pk)).status_code == 405
    report.refresh_from_db()
    assert report.days_present == 22


def test_supervisor_locks_a_report(world, api):
    report = make_attendance_report(world.cadre)
    response = api(world.supervisor).post(url("attendance-reports", report.pk, "lock"))
    assert response.status_code == 200 and response.json()["locked"] is True
    report.refresh_from_db()
    assert report.locked
    assert_history(report, LogEntry.Action.UPDATE, world.supervisor, locked=("False", "True"))
    # the cadre can no longer correct it
    assert api(world.cadre_user).patch(url("attendance-reports", report.pk), {"days_present": 1},
                                       format="json").status_code == 403


def test_administrator_locks_a_report(world, api, admin):
    report = make_attendance_report(world.cadre)
    assert api(admin).post(url("attendance-reports", report.pk, "lock")).status_code == 200
    report.refresh_from_db()
    assert report.locked


@pytest.mark.parametrize("who, status", [
    ("cadre_user", 403), ("staff", 403), ("wulan_supervisor", 404),
])
def test_only_supervisors_of_the_county_lock(world, api, who, status):
    report = make_attendance_report(world.cadre)
    assert api(getattr(world, who)).post(url("attendance-reports", report.pk, "lock")).status_code == status
    report.refresh_from_db()
    assert not report.locked and history_of(report).count() == 1  # its creation only


# ------------------------------------------------------------------------------------------ commitments, quarterly


def test_cadre_saves_their_commitment(world, api):
    client = api(world.cadre_user)
    response = client.post(url("commitments"), {"year": 2016, "content": "全年驻村200天"}, format="json")
    assert response.status_code == 201, response.content
    commitment = AnnualCommitment.objects.get()
    assert (commitment.cadre, commitment.year, commitment.content) == (world.cadre, 2016, "全年驻村200天")
    assert_history(commitment, LogEntry.Action.CREATE, world.cadre_user)
    # the same year again replaces it, as the site's form does
    response = client.post(url("commitments"), {"year": 2016, "content": "全年驻村220天"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == commitment.pk
    commitment.refresh_from_db()
    assert commitment.content == "全年驻村220天" and AnnualCommitment.objects.count() == 1
    assert_history(commitment, LogEntry.Action.UPDATE, world.cadre_user, content=("全年驻村200天", "全年驻村220天"))


@pytest.mark.parametrize("body, field", [
    ({"year": 1999, "content": "x"}, "year"),
    ({"year": TODAY.year + 2, "content": "x"}, "year"),
    ({"year": "this", "content": "x"}, "year"),
    ({"year": 10 ** 12, "content": "x"}, "year"),
    ({"year": 2016, "content": "   "}, "content"),
    ({"year": 2016}, "content"),
    ({"year": 2016, "content": "a\x00b"}, "content"),
])
def test_commitment_field_errors(world, api, body, field):
    response = api(world.cadre_user).post(url("commitments"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert AnnualCommitment.objects.count() == 0


def test_cadre_saves_their_quarterly_report(world, api):
    client = api(world.cadre_user)
    response = client.post(url("quarterly-reports"), {"year": 2016, "quarter": 2, "content": "走访全覆盖"},
                           format="json")
    assert response.status_code == 201, response.content
    report = QuarterlyReport.objects.get()
    assert (report.cadre, report.year, report.quarter, report.content) == (world.cadre, 2016, 2, "走访全覆盖")
    assert_history(report, LogEntry.Action.CREATE, world.cadre_user)
    response = client.post(url("quarterly-reports"), {"year": 2016, "quarter": 2, "content": "改"}, format="json")
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.content == "改" and QuarterlyReport.objects.count() == 1
    assert_history(report, LogEntry.Action.UPDATE, world.cadre_user, content=("走访全覆盖", "改"))


NEXT_QUARTER = (TODAY.year + 1, 1) if TODAY.month > 9 else (TODAY.year, (TODAY.month - 1) // 3 + 2)


@pytest.mark.parametrize("body, field", [
    ({"year": 2016, "quarter": 5, "content": "x"}, "quarter"),
    ({"year": 2016, "quarter": 0, "content": "x"}, "quarter"),
    ({"year": 2016, "quarter": "Q1", "content": "x"}, "quarter"),
    ({"year": 1999, "quarter": 1, "content": "x"}, "year"),
    ({"year": NEXT_QUARTER[0], "quarter": NEXT_QUARTER[1], "content": "x"}, "content"),  # not begun yet
    ({"year": 2016, "quarter": 1, "content": ""}, "content"),
])
def test_quarterly_report_field_errors(world, api, body, field):
    response = api(world.cadre_user).post(url("quarterly-reports"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert QuarterlyReport.objects.count() == 0


@pytest.mark.parametrize("basename, make", [
    ("commitments", make_annual_commitment), ("quarterly-reports", make_quarterly_report),
])
def test_commitments_and_quarterly_reports_are_read_as_attendance(world, wulan_cadre, api, basename, make):
    own, teammates, foreign = make(world.cadre), make(world.teammate), make(wulan_cadre)
    assert ids(api(world.cadre_user).get(url(basename))) == {own.pk}
    assert api(world.cadre_user).get(url(basename, teammates.pk)).status_code == 404
    assert ids(api(world.supervisor).get(url(basename))) == {own.pk, teammates.pk}
    assert api(world.staff).get(url(basename, foreign.pk)).status_code == 404
    assert ids(api(world.staff).get(url(basename), {"cadre": world.teammate.pk, "year": 2016})) == {teammates.pk}
    for params, field in (({"year": "x"}, "year"), ({"cadre": wulan_cadre.pk}, "cadre")):
        response = api(world.staff).get(url(basename), params)
        assert response.status_code == 400 and field in response.json()
    assert api(world.cadre_user).patch(url(basename, own.pk), {"content": "x"}, format="json").status_code == 405


def test_quarterly_report_quarter_filter(world, api):
    first = make_quarterly_report(world.cadre, quarter=1)
    make_quarterly_report(world.cadre, quarter=2)
    client = api(world.supervisor)
    assert ids(client.get(url("quarterly-reports"), {"quarter": 1})) == {first.pk}
    response = client.get(url("quarterly-reports"), {"quarter": 5})
    assert response.status_code == 400 and "quarter" in response.json()

