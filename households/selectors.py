"""Read queries over the registry. Every function takes an area (County, Township or Village)."""

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery

from cadres.models import Unit
from villages.selectors import Area, area_q

from .models import (
    EIGHT_BATCHES,
    Benefit,
    CrossCheckFlag,
    HelperStaff,
    Household,
    HouseholdYear,
    Measure,
    Member,
    Pairing,
    Visit,
)

# Statuses of a household still counted as poor (建档立卡 and not exited): the one definition of "poor".
POOR_STATUSES = (Household.Status.IDENTIFIED, Household.Status.ASSISTED, Household.Status.RETURNED,
                 Household.Status.AT_RISK)
# The poor apart from those under monitoring (易返贫), which the charts show as a series of their own.
POOR_NOT_AT_RISK = tuple(status for status in POOR_STATUSES if status != Household.Status.AT_RISK)


def status_counts(path: str = "") -> dict:
    """Annotations counting households by status, reached through `path` ("" on households themselves, "households"
    from a village, "villages__households" from a township): the one count of households by status per area."""
    prefix = f"{path}__" if path else ""
    target = path or "pk"

    def count(**condition):
        return Count(target, filter=Q(**{f"{prefix}{k}": v for k, v in condition.items()}) if condition else None,
                     distinct=True)

    return {
        "household_count": count(),
        "poor_count": count(status__in=POOR_STATUSES),
        "poor_not_at_risk_count": count(status__in=POOR_NOT_AT_RISK),
        "at_risk_count": count(status=Household.Status.AT_RISK),
        "exited_count": count(status=Household.Status.EXITED),
    }


def poor_at_year_end_q(year: int, household_path: str = "") -> Q:
    """Households counted as poor at the end of `year`: identified by then and not exited by then."""
    prefix = f"{household_path}__" if household_path else ""
    return Q(**{f"{prefix}identified_year__lte": year}) & ~Q(
        **{f"{prefix}status": Household.Status.EXITED, f"{prefix}exit_year__lte": year})


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


def units_with_paired_staff(area: Area, kinds) -> QuerySet:
    """Units (cadres.Unit) of the given kinds with at least one helper paired with a household of the area."""
    return Unit.objects.filter(
        kind__in=kinds, pk__in=helper_staff_paired(area).values("unit")
    )


def helper_staff_paired(area: Area) -> QuerySet[HelperStaff]:
    return HelperStaff.objects.filter(pk__in=pairings_in(area).values("helper"))
