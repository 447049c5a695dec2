"""Read queries over assessment periods and their inputs."""

from django.db.models import F, OuterRef, QuerySet, Subquery

from cadres.models import Assignment
from villages.selectors import Area

from .models import AssessmentPeriod, BonusItem, Scorecard, Veto


def periods(area: Area, kind: str | None = None) -> QuerySet[AssessmentPeriod]:
    rows = AssessmentPeriod.objects.in_county(area.county_id)
    return rows.filter(kind=kind) if kind else rows


def latest_annual_period(area: Area) -> QuerySet[AssessmentPeriod]:
    """The most recent annual period, as a one-row queryset (so a figure can show its row)."""
    latest = periods(area, AssessmentPeriod.Kind.ANNUAL).order_by("-start_date").values("pk")[:1]
    return AssessmentPeriod.objects.filter(pk__in=latest)


def bonus_items(area: Area) -> QuerySet[BonusItem]:
    return BonusItem.objects.in_county(area.county_id)


def scorecards(period: AssessmentPeriod) -> QuerySet[Scorecard]:
    """The period's scorecards with the cadre, unit, and the village and role of the cadre's latest
    resident assignment in the county — one query, whatever the number of cadres."""
    latest = Assignment.objects.in_county(period.county_id).filter(
        cadre=OuterRef("cadre"), role__in=Assignment.RESIDENT_ROLES, start_date__lte=period.end_date,
    ).order_by("-start_date")
    return (
        Scorecard.objects.filter(period=period)
        .select_related("cadre__unit", "period__county")
        .annotate(
            village_code=Subquery(latest.values("village__code")[:1]),
            village_name=Subquery(latest.values("village__name")[:1]),
            role=Subquery(latest.values("role")[:1]),
            veto_reason=Subquery(Veto.objects.filter(period=period, cadre=OuterRef("cadre")).values("reason")[:1]),
        )
        .order_by(F("rank").asc(nulls_last=True), "cadre__name")
    )
