"""Every bad-input rule of the cadres' forms: the error shows next to its field and nothing is saved."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres.models import AnnualCommitment, AttendanceReport, QuarterlyReport
from households.models import Measure, Visit
from households.services import MAX_MEASURE_AMOUNT
from tests.factories import make_attendance_report
from tests.support import login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
LAST_MONTH = (TODAY().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def new_measure(world, **overrides):
    data = {"village": world.mine.code, "household": world.household.pk, "category": "industry",
            "title": "发放牛犊2头", "amount": "6000", "planned_date": "2016-04-01"}
    data.update(overrides)
    return data


def implement(world, measure=None, **overrides):
    measure = measure or world.measure
    data = {"version": measure.version, "implemented_date": "2016-05-01", "amount": "5800",
            "evidence": "签收单 2016-017"}
    data.update(overrides)
    return data


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def snapshot(measure):
    return Measure.objects.filter(pk=measure.pk).values().get()


# ------------------------------------------------------------------------------------------ measures


def test_create_measure_for_household_and_for_village(client, world):
    login(client, world.cadre_user)
    response = client.post(reverse("work:measure_create"), new_measure(world))
    created = Measure.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("work:measure_edit", args=[created.pk])
    assert (created.village, created.household, created.responsible) == (world.mine, world.household, world.cadre)
    assert created.status == Measure.Status.PLANNED and created.version == 1
    client.post(reverse("work:measure_create"), new_measure(world, household="", title="村道硬化"))
    assert Measure.objects.latest("pk").household is None


def test_pick_lists_offer_only_writable_villages_and_their_households(client, world):
    login(client, world.cadre_user)
    form = client.get(reverse("work:measure_create")).context["form"]
    assert list(form.fields["village"].queryset) == [world.mine]
    assert set(form.fields["household"].queryset) == {world.household, world.unpaired}
    # ?village= of a village the user does not work for narrows to nothing
    form = client.get(reverse("work:measure_create") + f"?village={world.neighbour.code}").context["form"]
    assert not form.fields["household"].queryset.exists()


@pytest.mark.parametrize("household", ["neighbour_household", "foreign_household"])
def test_household_from_another_village_is_a_field_error(client, world, household):
    login(client, world.cadre_user)
    count = Measure.objects.count()
    response = client.post(reverse("work:measure_create"),
                           new_measure(world, household=getattr(world, household).pk))
    assert response.status_code == 200 and field_errors(response, "household")
    assert Measure.objects.count() == count


@pytest.mark.parametrize("village", ["neighbour", "foreign"])
def test_forged_post_for_another_village_is_403_and_saves_nothing(client, world, village):
    login(client, world.cadre_user)
    count = Measure.objects.count()
    target = getattr(world, village)
    household = world.neighbour_household if village == "neighbour" else world.foreign_household
    response = client.post(reverse("work:measure_create"), new_measure(world, village=target.code,
                                                                       household=household.pk))
    assert response.status_code == 403
    assert Measure.objects.count() == count


@pytest.mark.parametrize(("amount", "message"), [("-1", "负数"), (str(MAX_MEASURE_AMOUNT + 1), "上限")])
def test_negative_and_absurd_amounts(client, world, amount, message):
    login(client, world.cadre_user)
    count = Measure.objects.count()
    response = client.post(reverse("work:measure_create"), new_measure(world, amount=amount))
    assert any(message in e for e in field_errors(response, "amount"))
    assert Measure.objects.count() == count
    before = snapshot(world.measure)
    response = client.post(reverse("work:measure_implement", args=[world.measure.pk]),
                           implement(world, amount=amount))
    assert any(message in e for e in field_errors(response, "amount"))
    assert snapshot(world.measure) == before


def test_ceiling_itself_is_accepted(client, world):
    login(client, world.cadre_user)
    response = client.post(reverse("work:measure_create"), new_measure(world, amount=str(MAX_MEASURE_AMOUNT)))
    assert response.status_code == 302


@pytest.mark.parametrize("field", ["title", "category", "planned_date", "village"])
def test_empty_required_field_on_create(client, world, field):
    login(client, world.cadre_user)
    count = Measure.objects.count()
    response = client.post(reverse("work:measure_create"), new_measure(world, **{field: ""}))
    assert response.status_code == 200 and field_errors(response, field)
    assert Measure.objects.count() == count


def test_implemented_date_in_the_future(client, world):
    login(client, world.cadre_user)
    before = snapshot(world.measure)
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = client.post(reverse("work:measure_implement", args=[world.measure.pk]),
                           implement(world, implemented_date=tomorrow.isoformat()))
    assert response.status_code == 200 and field_errors(response, "implemented_date")
    assert snapshot(world.measure) == before


def test_implemented_before_planned(client, world):
    login(client, world.cadre_user)
    before = snapshot(world.measure)
    response = client.post(reverse("work:measure_implement", args=[world.measure.pk]),
                           implement(world, implemented_date="2016-02-28"))
    assert any("计划日期" in e for e in field_errors(response, "implemented_date"))
    assert snapshot(world.measure) == before


@pytest.mark.parametrize("field", ["evidence", "implemented_date", "amount"])
def test_implement_needs_date_amount_and_evidence(client, world, field):
    login(client, world.cadre_user)
    before = snapshot(world.measure)
    response = client.post(reverse("work:measure_implement", args=[world.measure.pk]),
                           implement(world, **{field: "   " if field == "evidence" else ""}))
    assert field_errors(response, field)
    assert snapshot(world.measure) == before


def test_implement_and_cancel(client, world):
    login(client, world.cadre_user)
    response = client.post(reverse("work:measure_implement", args=[world.measure.pk]), implement(world))
    assert response.status_code == 302
    world.measure.refresh_from_db()
    assert world.measure.status == Measure.Status.IMPLEMENTED
    assert (world.measure.implemented_date, world.measure.amount) == (datetime.date(2016, 5, 1), Decimal("5800"))
    # implemented measures can no longer be cancelled
    response = client.post(reverse("work:measure_cancel", args=[world.measure.pk]),
                           {"version": world.measure.version, "cancel_reason": "重复"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    world.measure.refresh_from_db()
    assert world.measure.status == Measure.Status.IMPLEMENTED


def test_cancel_needs_a_reason(client, world):
    login(client, world.cadre_user)
    url = reverse("work:measure_cancel", args=[world.measure.pk])
    response = client.post(url, {"version": 1, "cancel_reason": "  "})
    assert field_errors(response, "cancel_reason")
    assert Measure.objects.get(pk=world.measure.pk).status == Measure.Status.PLANNED
    assert client.post(url, {"version": 1, "cancel_reason": "农户已外出务工"}).status_code == 302
    world.measure.refresh_from_db()
    assert (world.measure.status, world.measure.cancel_reason) == (Measure.Status.CANCELLED, "农户已外出务工")


def test_edit_household_from_another_village_is_a_field_error(client, world):
    login(client, world.cadre_user)
    before = snapshot(world.measure)
    response = client.post(reverse("work:measure_edit", args=[world.measure.pk]), {
        "version": 1, "household": world.neighbour_household.pk, "category": "industry", "title": "改",
        "amount": "1", "planned_date": "2016-03-01"})
    assert field_errors(response, "household")
    assert snapshot(world.measure) == before


@pytest.mark.parametrize("name", ["work:measure_edit", "work:measure_implement", "work:measure_cancel"])
def test_forged_measure_writes_for_another_village(client, world, name):
    """A neighbour village's measure: 403; another county's: 404 — and nothing changes."""
    login(client, world.cadre_user)
    data = {"version": 1, "household": "", "category": "industry", "title": "改", "amount": "1",
            "planned_date": "2016-03-01", "implemented_date": "2016-05-01", "evidence": "x", "cancel_reason": "x"}
    for measure, status in ((world.neighbour_measure, 403), (world.foreign_measure, 404)):
        before = snapshot(measure)
        assert client.post(reverse(name, args=[measure.pk]), data).status_code == status
        assert snapshot(measure) == before


def test_readers_see_the_measure_read_only_and_cannot_post(client, world):
    for user in (world.staff, world.supervisor, world.other_user):
        login(client, user)
        response = client.get(reverse("work:measure_edit", args=[world.measure.pk]))
        assert response.status_code == 200 and not response.context["can_write"]
        before = snapshot(world.measure)
        response = client.post(reverse("work:measure_edit", args=[world.measure.pk]), {
            "version": 1, "household": "", "category": "industry", "title": "改", "amount": "1",
            "planned_date": "2016-03-01"})
        assert response.status_code == 403
        assert snapshot(world.measure) == before
        assert client.post(reverse("work:measure_create"), new_measure(world)).status_code in (403,)


# ------------------------------------------------------------------------------------------ visits


def test_log_visit_to_a_paired_household(client, world):
    login(client, world.cadre_user)
    form = client.get(reverse("work:visit_create")).context["form"]
    assert list(form.fields["household"].queryset) == [world.household]  # paired, in the cadre's village
    response = client.post(reverse("work:visit_create"), {
        "household": world.household.pk, "kind": "home_visit", "date": TODAY().isoformat(),
        "purpose": "了解养殖进度", "notes": "牛犊长势良好"})
    assert response.status_code == 302
    visit = Visit.objects.get(household=world.household)
    assert (visit.village, visit.cadre, visit.purpose) == (world.mine, world.cadre, "了解养殖进度")


@pytest.mark.parametrize(("field", "value"), [
    ("date", "future"), ("purpose", ""), ("household", "unpaired"), ("household", "neighbour_household"),
])
def test_visit_bad_input(client, world, field, value):
    login(client, world.cadre_user)
    data = {"household": world.household.pk, "kind": "home_visit", "date": TODAY().isoformat(),
            "purpose": "走访", "notes": ""}
    data[field] = {"future": (TODAY() + datetime.timedelta(days=2)).isoformat(),
                   "unpaired": world.unpaired.pk, "neighbour_household": world.neighbour_household.pk}.get(value, value)
    response = client.post(reverse("work:visit_create"), data)
    assert response.status_code == 200 and field_errors(response, field)
    assert not Visit.objects.exists()


# ------------------------------------------------------------------------------------------ attendance


def attendance(**overrides):
    data = {"month": "2024-02", "days_present": "20", "leave_days": "2", "reported_outings": "1",
            "unreported_absences": "0"}
    data.update(overrides)
    return data


def test_file_attendance_report(client, world):
    login(client, world.cadre_user)
    response = client.post(reverse("work:attendance_create"), attendance())
    report = AttendanceReport.objects.get(cadre=world.cadre)
    assert response.status_code == 302
    assert (report.month, report.days_present, report.required_days) == (datetime.date(2024, 2, 1), 20, 20)
    assert report.submitted_at and not report.locked


def test_days_in_village_more_than_days_in_month(client, world):
    login(client, world.cadre_user)
    # February 2024 has 29 days: 27 + 2 + 1 = 30
    response = client.post(reverse("work:attendance_create"), attendance(days_present="27"))
    assert any("29" in e for e in field_errors(response, "days_present"))
    response = client.post(reverse("work:attendance_create"), attendance(days_present="32", leave_days="0",
                                                                         reported_outings="0"))
    assert field_errors(response, "days_present")
    assert not AttendanceReport.objects.exists()


@pytest.mark.parametrize("field", ["month", "days_present"])
def test_attendance_empty_required_field(client, world, field):
    login(client, world.cadre_user)
    response = client.post(reverse("work:attendance_create"), attendance(**{field: ""}))
    assert field_errors(response, field)
    assert not AttendanceReport.objects.exists()


def test_attendance_negative_days_and_future_month(client, world):
    login(client, world.cadre_user)
    assert field_errors(client.post(reverse("work:attendance_create"), attendance(leave_days="-1")), "leave_days")
    next_month = (TODAY().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    assert field_errors(client.post(reverse("work:attendance_create"), attendance(month=next_month)), "month")
    assert not AttendanceReport.objects.exists()


def test_duplicate_monthly_report_is_an_error_on_the_month(client, world):
    make_attendance_report(world.cadre, month=datetime.date(2024, 2, 1))
    login(client, world.cadre_user)
    response = client.post(reverse("work:attendance_create"), attendance())
    assert any("2024-02" in e for e in field_errors(response, "month"))
    assert AttendanceReport.objects.count() == 1
    # moving another report onto an existing month is refused the same way
    other = make_attendance_report(world.cadre, month=datetime.date(2024, 3, 1))
    response = client.post(reverse("work:attendance_edit", args=[other.pk]), attendance())
    assert field_errors(response, "month")
    other.refresh_from_db()
    assert other.month == datetime.date(2024, 3, 1)


def test_edit_then_locked_report_cannot_be_edited(client, world):
    report = make_attendance_report(world.cadre, month=datetime.date(2024, 2, 1), days_present=10)
    login(client, world.cadre_user)
    url = reverse("work:attendance_edit", args=[report.pk])
    assert client.post(url, attendance(days_present="18")).status_code == 302
    report.refresh_from_db()
    assert report.days_present == 18
    # a cadre cannot lock; the supervisor of the county can
    assert client.post(reverse("work:attendance_lock", args=[report.pk])).status_code == 403
    login(client, world.supervisor)
    assert client.get(reverse("work:attendance_lock", args=[report.pk])).status_code == 405
    assert client.post(reverse("work:attendance_lock", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.locked
    login(client, world.cadre_user)
    assert client.post(url, attendance(days_present="5")).status_code == 403
    report.refresh_from_db()
    assert report.days_present == 18
    response = client.get(url)
    assert response.status_code == 200 and "已由考核督查人员锁定" in response.content.decode()


def test_lock_outside_the_supervisors_area_is_404(client, world):
    report = make_attendance_report(world.cadre, month=datetime.date(2024, 2, 1))
    login(client, world.wulan_supervisor)
    assert client.post(reverse("work:attendance_lock", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert not report.locked


def test_other_cadres_reports_are_not_theirs(client, world):
    report = make_attendance_report(world.other, month=datetime.date(2024, 2, 1), days_present=10)
    login(client, world.cadre_user)
    url = reverse("work:attendance_edit", args=[report.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, attendance()).status_code == 404
    login(client, world.staff)
    assert client.get(url).status_code == 200
    assert client.post(url, attendance()).status_code == 403
    report.refresh_from_db()
    assert report.days_present == 10


# ------------------------------------------------------------------------------------------ reports


def test_commitment_and_quarterly_report(client, world):
    login(client, world.cadre_user)
    year = TODAY().year
    url = reverse("work:commitment_edit", args=[year])
    assert field_errors(client.post(url, {"content": "   "}), "content")
    assert not AnnualCommitment.objects.exists()
    assert client.post(url, {"content": "全年驻村220天"}).status_code == 302
    assert client.post(url, {"content": "全年驻村230天"}).status_code == 302
    assert AnnualCommitment.objects.get(cadre=world.cadre, year=year).content == "全年驻村230天"

    url = reverse("work:quarterly_edit", args=[2024, 2])
    assert field_errors(client.post(url, {"content": ""}), "content")
    assert client.post(url, {"content": "完成入户走访"}).status_code == 302
    assert QuarterlyReport.objects.get(cadre=world.cadre, year=2024, quarter=2).content == "完成入户走访"
    assert client.get(reverse("work:quarterly_edit", args=[2024, 5])).status_code == 404
    # a quarter that has not started yet
    response = client.post(reverse("work:quarterly_edit", args=[year + 1, 1]), {"content": "提前写"})
    assert response.status_code == 200 and response.context["form"].errors
    assert QuarterlyReport.objects.count() == 1


def test_readers_cannot_write_cadre_reports(client, world):
    for user in (world.staff, world.supervisor):
        login(client, user)
        for url in (reverse("work:commitment_edit", args=[2024]), reverse("work:quarterly_edit", args=[2024, 1]),
                    reverse("work:attendance_create")):
            assert client.post(url, {"content": "x", **attendance()}).status_code == 403
    assert not AnnualCommitment.objects.exists() and not QuarterlyReport.objects.exists()
    assert not AttendanceReport.objects.exists()


# ------------------------------------------------------------------------------------------ my work


def test_my_work_lists_villages_households_open_measures_and_missing_reports(client, world):
    login(client, world.cadre_user)
    response = client.get(reverse("work:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.mine.name in html and world.neighbour.name not in html
    assert world.household.head_name in html and world.neighbour_household.head_name not in html
    assert world.measure.title in html and world.neighbour_measure.title not in html
    missing = response.context["missing"]
    assert len(missing["months"]) == TODAY().month and missing["commitment_missing"]
    assert reverse("work:commitment_edit", args=[TODAY().year]) in html


def test_my_work_and_measure_page_query_counts_do_not_grow_with_the_data(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_household, make_measure

    login(client, world.cadre_user)

    def counts():
        with CaptureQueriesContext(connection) as home:
            client.get(reverse("work:home"))
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("work:measure_edit", args=[world.measure.pk]))
        return len(home), len(page)

    small = counts()
    for _ in range(40):
        make_measure(world.mine, make_household(world.mine))
    assert counts() == small
