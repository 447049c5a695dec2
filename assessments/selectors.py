"""Read queries over assessment periods and their inputs."""

from django.db.models import QuerySet

from villages.selectors import Area, county_of

from .models import AssessmentPeriod, BonusItem


def periods(area: Area, kind: str | None = None) -> QuerySet[AssessmentPeriod]:
    rows = AssessmentPeriod.objects.filter(county=county_of(area))
    return rows.filter(kind=kind) if kind else rows


def latest_annual_period(area: Area) -> QuerySet[AssessmentPeriod]:
    """The most recent annual period, as a one-row queryset (so a figure can show its row)."""
    latest = periods(area, AssessmentPeriod.Kind.ANNUAL).order_by("-start_date").values("pk")[:1]
    return AssessmentPeriod.objects.filter(pk__in=latest)


def bonus_items(area: Area) -> QuerySet[BonusItem]:
    return BonusItem.objects.filter(period__county=county_of(area))
