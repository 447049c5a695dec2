"""Read queries over areas, projects and funds. Every function takes an area (County, Township or Village)."""

from django.db.models import Q, QuerySet

from .models import (
    CollectiveEconomy,
    County,
    FundAllocation,
    FundSource,
    GateTransition,
    PolicyDocument,
    Project,
    Township,
    Village,
    VillageNeed,
)

Area = County | Township | Village  # one type: area_kind, area_ref, county, village_q (villages/models.py)

# Collective-income brackets as the Wulan report counts them, in yuan: [low, high).
ECONOMY_BRACKETS = {
    "below-5": (0, 50_000),
    "5-10": (50_000, 100_000),
    "10-50": (100_000, 500_000),
    "50-100": (500_000, 1_000_000),
    "100-plus": (1_000_000, None),
}


def area_q(area: Area, village_path: str = "village") -> Q:
    """The filter that keeps rows whose village (reached through village_path, "" for villages) lies in the area."""
    return area.village_q(village_path)


def villages_in(area: Area) -> QuerySet[Village]:
    return Village.objects.filter(area_q(area, ""))


def administrative_villages(area: Area) -> QuerySet[Village]:
    """行政村: the area's current village committees (not residents' committees, nor units like village committees)."""
    return villages_in(area).filter(kind=Village.Kind.VILLAGE_COMMITTEE, active=True)


def shows_demo(area: Area) -> bool:
    """Whether the area's figures include demo rows: it holds a demo village (a village: it is one). The one rule
    by which pages, the API and exports mark an area's data as demo data."""
    return villages_in(area).filter(is_demo=True).exists()


def poor_villages(area: Area) -> QuerySet[Village]:
    return villages_in(area).filter(is_poor=True)


def poor_villages_not_planned_to_exit_by(area: Area, year: int) -> QuerySet[Village]:
    """Poor villages still to exit that have no plan to exit by the end of `year`."""
    return poor_villages(area).filter(exit_year__isnull=True).filter(
        Q(planned_exit_year__isnull=True) | Q(planned_exit_year__gt=year)
    )


def economy_in(area: Area, year: int) -> QuerySet[CollectiveEconomy]:
    return CollectiveEconomy.objects.filter(area_q(area), year=year)


def economy_in_bracket(area: Area, year: int, bracket: str) -> QuerySet[CollectiveEconomy]:
    low, high = ECONOMY_BRACKETS[bracket]
    rows = economy_in(area, year).filter(income__gte=low)
    return rows.filter(income__lt=high) if high is not None else rows


def hollow_villages(area: Area, year: int) -> QuerySet[CollectiveEconomy]:
    """空壳村: no collective income in the year."""
    return economy_in(area, year).filter(income=0)


def exit_needs(area: Area) -> QuerySet[VillageNeed]:
    return VillageNeed.objects.filter(area_q(area))


def policies(area: Area, kind: str) -> QuerySet[PolicyDocument]:
    return PolicyDocument.objects.in_county(area.county_id).filter(kind=kind)


def projects_in(area: Area) -> QuerySet[Project]:
    if area.area_kind == "county":  # a county's projects include those in no village
        return Project.objects.in_county(area)
    return Project.objects.filter(area_q(area))


def poverty_infrastructure_projects(area: Area) -> QuerySet[Project]:
    """Infrastructure projects of the poverty programme in poor villages."""
    return projects_in(area).filter(
        programme=Project.Programme.POVERTY,
        village__is_poor=True,
        category__in=[Project.Category.ROAD, Project.Category.DRINKING_WATER, Project.Category.POWER_GRID,
                      Project.Category.CULTURE_SPORTS],
    )


def sector_projects(area: Area) -> QuerySet[Project]:
    return projects_in(area).filter(programme=Project.Programme.SECTOR)


def fund_sources(area: Area, kind: str | None = None, purpose: str | None = None) -> QuerySet[FundSource]:
    rows = FundSource.objects.in_county(area.county_id)
    if kind:
        rows = rows.filter(kind=kind)
    if purpose:
        rows = rows.filter(purpose=purpose)
    return rows


def allocations_in(area: Area) -> QuerySet[FundAllocation]:
    """Allocations whose target (project, village or household) lies in the area.

    A target lies in its source's county (FundAllocation.clean), so the county's sources come first: the OR over
    the three targets then tests the county's allocations, not every allocation of the province."""
    in_county = FundAllocation.objects.in_county(area.county_id)
    if area.area_kind == "county":
        return in_county
    return in_county.filter(
        area_q(area, "project__village") | area_q(area, "village") | area_q(area, "household__village")
    )


def project_allocations(area: Area, source_kind: str | None = None,
                        project_category: str | None = None) -> QuerySet[FundAllocation]:
    rows = allocations_in(area).filter(project__isnull=False)
    if source_kind:
        rows = rows.filter(source__kind=source_kind)
    if project_category:
        rows = rows.filter(project__category=project_category)
    return rows


def gate_transitions(area: Area) -> QuerySet[GateTransition]:
    return GateTransition.objects.filter(allocation__in=allocations_in(area))
