"""The services guard themselves: the permission check does not depend on the view."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cadres import services as cadre_services
from households import services
from households.models import Measure, Visit
from tests.factories import make_attendance_report

pytestmark = pytest.mark.django_db


def create(world, user, village=None, household=None, **kw):
    return services.create_measure(user=user, village=village or world.mine, household=household,
                                   category="industry", title="t", planned_date=datetime.date(2016, 4, 1), **kw)


@pytest.mark.parametrize("who", ["staff", "supervisor", "other_user", "wulan_supervisor"])
def test_measure_writes_refused_for_non_writers(world, who):
    user = getattr(world, who)
    before = Measure.objects.values().get(pk=world.measure.pk)
    with pytest.raises(PermissionDenied):
        create(world, user)
    for call in (
        lambda: services.update_measure(user=user, measure=world.measure, version=1, title="x"),
        lambda: services.implement_measure(user=user, measure=world.measure, version=1,
                                           implemented_date=datetime.date(2016, 4, 2), amount=Decimal(1),
                                           evidence="x"),
        lambda: services.cancel_measure(user=user, measure=world.measure, version=1, reason="x"),
        lambda: services.log_visit(user=user, household=world.household, date=datetime.date(2016, 4, 2),
                                   purpose="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert Measure.objects.values().get(pk=world.measure.pk) == before
    assert not Visit.objects.exists()


def test_cadre_cannot_write_for_a_neighbour_village(world):
    with pytest.raises(PermissionDenied):
        create(world, world.cadre_user, village=world.neighbour)
    with pytest.raises(PermissionDenied):
        services.update_measure(user=world.cadre_user, measure=world.neighbour_measure, version=1, title="x")


def test_measure_rules_in_the_service(world):
    with pytest.raises(ValidationError) as err:
        create(world, world.cadre_user, household=world.neighbour_household)
    assert "household" in err.value.message_dict
    with pytest.raises(ValidationError):
        create(world, world.cadre_user, amount=services.MAX_MEASURE_AMOUNT + 1)
    with pytest.raises(ValidationError) as err:
        services.implement_measure(user=world.cadre_user, measure=world.measure, version=1,
                                   implemented_date=datetime.date.today() + datetime.timedelta(days=3),
                                   amount=Decimal(-5), evidence="")
    assert set(err.value.message_dict) == {"implemented_date", "amount", "evidence"}
    with pytest.raises(ValidationError) as err:
        services.implement_measure(user=world.cadre_user, measure=world.measure, version=1,
                                   implemented_date=datetime.date(2016, 1, 1), amount=Decimal(5), evidence="x")
    assert "implemented_date" in err.value.message_dict
    assert Measure.objects.get(pk=world.measure.pk).status == Measure.Status.PLANNED


def test_visit_needs_a_paired_household(world):
    with pytest.raises(ValidationError):
        services.log_visit(user=world.cadre_user, household=world.unpaired, date=datetime.date(2016, 4, 2),
                           purpose="x")
    visit = services.log_visit(user=world.cadre_user, household=world.household, date=datetime.date(2016, 4, 2),
                               purpose="x")
    assert visit.cadre == world.cadre


def test_attendance_services(world):
    with pytest.raises(PermissionDenied):
        cadre_services.create_attendance_report(user=world.staff, month=datetime.date(2024, 2, 1), days_present=1)
    report = cadre_services.create_attendance_report(user=world.cadre_user, month=datetime.date(2024, 2, 5),
                                                     days_present=10)
    assert report.month == datetime.date(2024, 2, 1)
    with pytest.raises(ValidationError) as err:
        cadre_services.create_attendance_report(user=world.cadre_user, month=datetime.date(2024, 2, 1),
                                                days_present=1)
    assert "month" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        cadre_services.update_attendance_report(user=world.other_user, report=report, days_present=2)
    with pytest.raises(PermissionDenied):
        cadre_services.lock_attendance_report(user=world.cadre_user, report=report)
    with pytest.raises(Http404):
        cadre_services.lock_attendance_report(user=world.wulan_supervisor, report=report)
    cadre_services.lock_attendance_report(user=world.supervisor, report=report)
    with pytest.raises(PermissionDenied):
        cadre_services.update_attendance_report(user=world.cadre_user, report=report, days_present=2)
    report.refresh_from_db()
    assert report.locked and report.days_present == 10


def test_required_days_come_from_the_assessment_period(world):
    from tests.factories import make_period

    make_period(world.golmud, start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 12, 31),
                required_days_per_month=22)
    report = cadre_services.create_attendance_report(user=world.cadre_user, month=datetime.date(2024, 3, 1),
                                                     days_present=10)
    assert report.required_days == 22
    assert cadre_services.required_days_for(world.cadre, datetime.date(2023, 2, 1)) == 20


def test_reports_are_written_for_oneself(world):
    commitment = cadre_services.save_commitment(user=world.cadre_user, year=2024, content="承诺")
    assert commitment.cadre == world.cadre
    make_attendance_report(world.other)
    with pytest.raises(PermissionDenied):
        cadre_services.save_quarterly_report(user=world.supervisor, year=2024, quarter=1, content="x")
    with pytest.raises(ValidationError):
        cadre_services.save_quarterly_report(user=world.cadre_user, year=2024, quarter=5, content="x")
