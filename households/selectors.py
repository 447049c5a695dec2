"""Read queries over the registry. Every function takes an area (County, Township or Village)."""

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from villages.selectors import Area, area_q

from .models import EIGHT_BATCHES, Benefit, CrossCheckFlag, Household, HouseholdYear, Measure, Member, Pairing, Visit

# Statuses of a household still counted as poor (建档立卡 and not exited).
POOR_STATUSES = (Household.Status.IDENTIFIED, Household.Status.ASSISTED, Household.Status.RETURNED,
                 Household.Status.AT_RISK)


def households_in(area: Area) -> QuerySet[Household]:
    return Household.objects.filter(area_q(area))


def poor_households(area: Area) -> QuerySet[Household]:
    """Registered households that have not exited poverty."""
    return households_in(area).filter(status__in=POOR_STATUSES)


def members_in(area: Area) -> QuerySet[Member]:
    return Member.objects.filter(area_q(area, "household__village"))


def poor_people(area: Area) -> QuerySet[Member]:
    return members_in(area).filter(household__status__in=POOR_STATUSES)


def poor_people_not_planned_to_exit_by(area: Area, year: int) -> QuerySet[Member]:
    """Poor people whose household has no plan to exit by the end of `year`."""
    return poor_people(area).filter(
        Q(household__planned_exit_year__isnull=True) | Q(household__planned_exit_year__gt=year)
    )


def benefits(area: Area, kind: str) -> QuerySet[Benefit]:
    return Benefit.objects.filter(area_q(area, "household__village"), kind=kind)


def households_with_benefit(area: Area, kind: str) -> QuerySet[Household]:
    return households_in(area).filter(benefits__kind=kind).distinct()


def members_with_benefit(area: Area, kind: str) -> QuerySet[Member]:
    return members_in(area).filter(benefits__kind=kind).distinct()


def people_in_households_with_benefit(area: Area, kind: str) -> QuerySet[Member]:
    """Everyone living in a household that received the benefit (e.g. people covered by 低保)."""
    return members_in(area).filter(household__in=households_with_benefit(area, kind).values("pk"))


def measures_in(area: Area) -> QuerySet[Measure]:
    return Measure.objects.filter(area_q(area))


def implemented_measures(area: Area) -> QuerySet[Measure]:
    return measures_in(area).filter(status=Measure.Status.IMPLEMENTED)


def eight_batch_measures(area: Area) -> QuerySet[Measure]:
    return measures_in(area).filter(category__in=EIGHT_BATCHES)


def household_years(area: Area, year: int) -> QuerySet[HouseholdYear]:
    return HouseholdYear.objects.filter(area_q(area, "household__village"), year=year)


def household_years_with_asset_growth(area: Area, year: int) -> QuerySet[HouseholdYear]:
    """The year's rows annotated with asset_growth: per-capita assets minus the year before's."""
    previous = HouseholdYear.objects.filter(household=OuterRef("household"), year=year - 1)
    return household_years(area, year).filter(assets_per_capita__isnull=False).annotate(
        previous_assets=Subquery(previous.values("assets_per_capita")[:1]),
    ).filter(previous_assets__isnull=False).annotate(
        asset_growth=ExpressionWrapper(F("assets_per_capita") - F("previous_assets"),
                                       output_field=DecimalField(max_digits=14, decimal_places=2)),
    )


def households_with_aspiration(area: Area) -> QuerySet[Household]:
    return households_in(area).exclude(aspiration="")


def pairings_in(area: Area) -> QuerySet[Pairing]:
    return Pairing.objects.filter(area_q(area, "household__village"))


def paired_households(area: Area) -> QuerySet[Household]:
    return households_in(area).filter(pairings__isnull=False).distinct()


def visits_in(area: Area) -> QuerySet[Visit]:
    return Visit.objects.filter(area_q(area))


def open_crosscheck_flags(area: Area) -> QuerySet:
    """精准识别: flags of the area's households found on another department's list and not yet reviewed."""
    return CrossCheckFlag.objects.filter(area_q(area, "household__village"), status=CrossCheckFlag.Status.OPEN)
