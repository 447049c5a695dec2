"""Read queries behind the cadres' work pages ("my work", attendance lists). Each takes the user's Access."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from households.models import Household, Measure, Pairing
from povertyboard.access import Access

from .models import AnnualCommitment, Assignment, AttendanceReport, QuarterlyReport


def my_assignments(access: Access) -> QuerySet[Assignment]:
    """The user's current assignments (the villages they write for), with the village's counts."""
    today = timezone.localdate()
    return (
        Assignment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today), cadre_id=access.cadre_id,
                                  start_date__lte=today, village__in=access.writable_villages().values("pk"))
        .select_related("village__township")
        .annotate(
            household_count=Count("village__households", distinct=True),
            open_measure_count=Count("village__measures", filter=Q(village__measures__status="planned"),
                                     distinct=True),
        )
        .order_by("village__code", "role")
    )


def my_households(access: Access) -> QuerySet[Household]:
    """Households of the user's villages, each marked `paired` if it has a helper (结对帮扶)."""
    return (
        Household.objects.filter(village__in=access.writable_villages().values("pk"))
        .select_related("village")
        .annotate(paired=Exists(Pairing.objects.filter(household=OuterRef("pk"))))
        .order_by("village__code", "number")
    )


def open_measures(access: Access) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(village__in=access.writable_villages().values("pk"), status=Measure.Status.PLANNED)
        .select_related("village", "household")
        .order_by("planned_date", "pk")
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


def attendance_reports_for(access: Access) -> QuerySet[AttendanceReport]:
    """Reports the user may read: a cadre's own; county staff and supervisors those of their area's cadres."""
    rows = AttendanceReport.objects.select_related("cadre", "cadre__county")
    if access.is_cadre and not (access.is_supervisor or access.is_county_staff):
        return rows.filter(cadre_id=access.cadre_id).order_by("-month")
    return access.restrict(rows, "cadre__county").order_by("-month", "cadre__name")
