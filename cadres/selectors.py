"""Read queries over cadres, units and trainings (each takes an area), and behind the cadres' own work
pages ("my work", attendance lists; each takes the user's Access)."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from povertyboard.access import CHANGE, Access, active_assignment_q
from villages.models import Village
from villages.selectors import Area, area_q

from .models import (
    AnnualCommitment,
    Assignment,
    AttendanceReport,
    Cadre,
    Promotion,
    QuarterlyReport,
    Training,
    TrainingAttendance,
)

TEAM_ROLES = (Assignment.Role.TEAM_LEADER, Assignment.Role.TEAM_MEMBER)


def assignments_in(area: Area, roles) -> QuerySet[Assignment]:
    return Assignment.objects.filter(area_q(area), role__in=roles)


def cadres_assigned(area: Area, roles) -> QuerySet[Cadre]:
    """Cadres with an assignment in one of the roles to a village of the area."""
    return Cadre.objects.filter(pk__in=assignments_in(area, roles).values("cadre"))


def villages_with_assignment(area: Area, roles, poor_only: bool = False) -> QuerySet[Village]:
    rows = Village.objects.filter(pk__in=assignments_in(area, roles).values("village"))
    return rows.filter(is_poor=True) if poor_only else rows


def poor_villages_without(area: Area, roles) -> QuerySet[Village]:
    """Poor villages that have no assignment in any of the roles (e.g. no first secretary)."""
    return Village.objects.filter(area_q(area, ""), is_poor=True).exclude(
        pk__in=assignments_in(area, roles).values("village")
    )


def trainings(area: Area) -> QuerySet[Training]:
    return Training.objects.in_county(area.county_id)


def training_attendances(area: Area) -> QuerySet[TrainingAttendance]:
    return TrainingAttendance.objects.in_county(area.county_id)


def promotions(area: Area) -> QuerySet[Promotion]:
    return Promotion.objects.in_county(area.county_id)


def my_assignments(access: Access) -> QuerySet[Assignment]:
    """The user's current assignments (the villages they write for), with the village's counts."""
    today = timezone.localdate()
    return (
        access.restrict(Assignment.objects.filter(active_assignment_q(today), cadre_id=access.cadre_id), CHANGE)
        .select_related("village__township")
        .annotate(
            household_count=Count("village__households", distinct=True),
            open_measure_count=Count("village__measures", filter=Q(village__measures__status="planned"),
                                     distinct=True),
        )
        .order_by("village__code", "role")
    )


def missing_reports(cadre_id: int, today: datetime.date | None = None) -> dict:
    """Months of this year without an attendance report, quarters without a report, and the commitment."""
    today = today or timezone.localdate()
    year = today.year
    filed = {d.month for d in AttendanceReport.objects.filter(cadre_id=cadre_id, month__year=year)
             .values_list("month", flat=True)}
    months = [datetime.date(year, m, 1) for m in range(1, today.month + 1) if m not in filed]
    current_quarter = (today.month - 1) // 3 + 1
    quarters_filed = set(QuarterlyReport.objects.filter(cadre_id=cadre_id, year=year)
                         .values_list("quarter", flat=True))
    quarters = [q for q in range(1, current_quarter + 1) if q not in quarters_filed]
    commitment = AnnualCommitment.objects.filter(cadre_id=cadre_id, year=year).exists()
    return {"year": year, "months": months, "quarters": quarters, "commitment_missing": not commitment}


def _own_or_area(access: Access, rows: QuerySet) -> QuerySet:
    """A cadre's own reports; for county staff and supervisors those of their area's cadres."""
    if access.is_cadre and not (access.is_supervisor or access.is_county_staff):
        return rows.filter(cadre_id=access.cadre_id)
    return access.restrict(rows)


def attendance_reports_for(access: Access) -> QuerySet[AttendanceReport]:
    """Monthly attendance reports the user may read (see _own_or_area), newest month first."""
    return _own_or_area(access, AttendanceReport.objects.select_related("cadre", "cadre__county")).order_by(
        "-month", "cadre__name")


def commitments_for(access: Access) -> QuerySet[AnnualCommitment]:
    """Annual commitments the user may read, as attendance reports: a cadre's own, or their area's."""
    return _own_or_area(access, AnnualCommitment.objects.select_related("cadre", "cadre__county")).order_by(
        "-year", "cadre__name")


def quarterly_reports_for(access: Access) -> QuerySet[QuarterlyReport]:
    """Quarterly reports the user may read, as attendance reports: a cadre's own, or their area's."""
    return _own_or_area(access, QuarterlyReport.objects.select_related("cadre", "cadre__county")).order_by(
        "-year", "-quarter", "cadre__name")
