"""The report figures: each key names the rows behind it (a selector) and how they add up.

The dashboards, the API and `reconcile_reports` all compute a figure through `compute()`, so a
figure is computed in exactly one place.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Q, QuerySet, Sum
from django.utils import timezone

from assessments import selectors as assessments
from cadres import selectors as cadres
from cadres.models import Assignment, Unit
from households import selectors as households
from households.models import EIGHT_BATCHES, Benefit, Household, Member
from povertyboard.db import yuan_to_wan
from villages import selectors as villages
from villages.models import FundSource, Gate, PolicyDocument, Project, ReportFigure

# Both reports describe the work of 2016.
REPORT_YEAR = 2016

TWO_PLACES = Decimal("0.01")


def plain(value: Decimal) -> str:
    """A figure as people write it: 2,200 and 63.69, not 2200.00 or 2.2E+3."""
    value = Decimal(value)
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), ",f")


def count(rows: QuerySet) -> Decimal:
    return Decimal(rows.count())


def distinct(field: str) -> Callable[[QuerySet], Decimal]:
    def measure(rows: QuerySet) -> Decimal:
        return Decimal(rows.order_by().values(field).distinct().count())
    return measure


def total_wan(field: str) -> Callable[[QuerySet], Decimal]:
    """Sum of a yuan field, in 万元 as the reports print money."""
    def measure(rows: QuerySet) -> Decimal:
        return yuan_to_wan(rows.aggregate(total=Sum(field))["total"])
    return measure


def average(field: str) -> Callable[[QuerySet], Decimal]:
    def measure(rows: QuerySet) -> Decimal:
        value = rows.aggregate(avg=Avg(field))["avg"]
        return Decimal(value or 0).quantize(TWO_PLACES)
    return measure


def field_value(field: str) -> Callable[[QuerySet], Decimal]:
    """The field of the single row (e.g. a period's weight); 0 when there is no row."""
    def measure(rows: QuerySet) -> Decimal:
        value = rows.values_list(field, flat=True).first()
        return Decimal(value or 0)
    return measure


def longest_span_months(rows: QuerySet) -> Decimal:
    """The longest assignment in whole months (1 May to 31 August is 4)."""
    longest = 0
    for start, end in rows.values_list("start_date", "end_date"):
        if end is None:
            continue
        after = end + datetime.timedelta(days=1)
        months = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
        longest = max(longest, months)
    return Decimal(longest)


def poverty_incidence(villages_rows: QuerySet, year: int | None = None) -> Decimal:
    """贫困发生率 in %: poor people / registered population (户籍人口) of the villages. Poor: today, people of
    households not exited (households.POOR_STATUSES); at the end of `year`, people of households identified by
    then and not exited by then."""
    population = villages_rows.aggregate(total=Sum("population"))["total"] or 0
    if not population:
        return Decimal(0).quantize(TWO_PLACES)
    people = Member.objects.filter(household__village__in=villages_rows.values("pk"))
    poor = people.filter(households.poor_at_year_end_q(year, "household") if year is not None
                         else Q(household__status__in=households.POOR_STATUSES)).count()
    return (Decimal(100 * poor) / Decimal(population)).quantize(TWO_PLACES)


def month_start() -> datetime.date:
    return timezone.localdate().replace(day=1)


@dataclass(frozen=True)
class Figure:
    rows: Callable  # area -> QuerySet of the rows behind the figure
    measure: Callable[..., Decimal]  # rows, **parameters -> the number
    parameters: tuple[str, ...] = ()  # the measure's keyword parameters a chart cell may set (whole numbers)


Y = REPORT_YEAR
K = FundSource.Kind
B = Benefit.Kind
R = Assignment.Role

FIGURES: dict[str, Figure] = {
    # Cadres and work teams
    "first-secretaries": Figure(lambda a: cadres.cadres_assigned(a, [R.FIRST_SECRETARY]), count),
    "team-cadres": Figure(lambda a: cadres.cadres_assigned(a, cadres.TEAM_ROLES), count),
    "poor-villages-without-first-secretary": Figure(
        lambda a: cadres.poor_villages_without(a, [R.FIRST_SECRETARY]), count),
    "cadres-dispatched": Figure(lambda a: cadres.cadres_assigned(a, Assignment.RESIDENT_ROLES), count),
    "cadre-villages": Figure(
        lambda a: cadres.villages_with_assignment(a, Assignment.RESIDENT_ROLES, poor_only=True), count),
    "secondment-cadres": Figure(lambda a: cadres.cadres_assigned(a, [R.SECONDMENT]), count),
    "secondment-months": Figure(lambda a: cadres.assignments_in(a, [R.SECONDMENT]), longest_span_months),
    "city-leaders": Figure(lambda a: cadres.cadres_assigned(a, [R.CITY_LEADER]), count),
    "leader-villages": Figure(
        lambda a: cadres.villages_with_assignment(a, [R.CITY_LEADER], poor_only=True), count),
    "trainings": Figure(cadres.trainings, count),
    "training-person-times": Figure(cadres.training_attendances, count),
    "promoted-cadres": Figure(cadres.promotions, count),
    # Measures
    "measures-planned": Figure(households.measures_in, count),
    "measures-implemented": Figure(households.implemented_measures, count),
    "eight-batches": Figure(households.eight_batch_measures, distinct("category")),
    # Benefits
    "job-placements": Figure(lambda a: households.benefits(a, B.JOB_PLACEMENT), count),
    "employment-transfers": Figure(lambda a: households.members_with_benefit(a, B.EMPLOYMENT_TRANSFER), count),
    "donated-goods": Figure(lambda a: households.benefits(a, B.DONATED_GOODS), total_wan("amount")),
    "house-renovation-funds": Figure(lambda a: households.benefits(a, B.HOUSE_RENOVATION), total_wan("amount")),
    "house-renovation-households": Figure(
        lambda a: households.households_with_benefit(a, B.HOUSE_RENOVATION), count),
    "dibao-households": Figure(lambda a: households.households_with_benefit(a, B.DIBAO), count),
    "dibao-people": Figure(lambda a: households.people_in_households_with_benefit(a, B.DIBAO), count),
    "dibao-payments": Figure(lambda a: households.benefits(a, B.DIBAO), total_wan("amount")),
    "medical-person-times": Figure(lambda a: households.benefits(a, B.MEDICAL), count),
    "medical-expense": Figure(lambda a: households.benefits(a, B.MEDICAL), total_wan("expense")),
    "medical-reimbursed": Figure(lambda a: households.benefits(a, B.MEDICAL), total_wan("amount")),
    "education-students": Figure(lambda a: households.members_with_benefit(a, B.EDUCATION_AID), count),
    "loans": Figure(lambda a: households.benefits(a, B.LOAN), total_wan("amount")),
    # Households and people
    "poor-people": Figure(households.poor_people, count),
    "identified-households": Figure(households.households_in, count),
    "identified-people": Figure(households.members_in, count),
    "income-per-capita": Figure(lambda a: households.household_years(a, Y), average("income_per_capita")),
    "assets-growth-per-capita": Figure(
        lambda a: households.household_years_with_asset_growth(a, Y), average("asset_growth")),
    "poor-people-after-plan-year": Figure(lambda a: households.poor_people_not_planned_to_exit_by(a, Y), count),
    "aspiration-aspects": Figure(households.households_with_aspiration, distinct("aspiration")),
    # Pairing (结对帮扶) and visits
    "party-government-units": Figure(lambda a: households.units_with_paired_staff(
        a, [Unit.Kind.PARTY_GOVERNMENT, Unit.Kind.INSTITUTION]), count),
    "military-police-units": Figure(lambda a: households.units_with_paired_staff(a, [Unit.Kind.MILITARY_POLICE]),
                                    count),
    "enterprises": Figure(lambda a: households.units_with_paired_staff(a, [Unit.Kind.ENTERPRISE]), count),
    "helper-staff": Figure(households.helper_staff_paired, count),
    "paired-households": Figure(households.paired_households, count),
    "paired-poor-villages": Figure(
        lambda a: households.paired_households(a).filter(village__is_poor=True), distinct("village")),
    "paired-non-poor-villages": Figure(
        lambda a: households.paired_households(a).filter(village__is_poor=False), distinct("village")),
    "visits": Figure(households.visits_in, count),
    # Villages and their collective economy
    "villages": Figure(villages.administrative_villages, count),
    "poor-villages": Figure(villages.poor_villages, count),
    "poor-villages-after-plan-year": Figure(lambda a: villages.poor_villages_not_planned_to_exit_by(a, Y), count),
    "economy-below-5": Figure(lambda a: villages.economy_in_bracket(a, Y, "below-5"), count),
    "economy-5-10": Figure(lambda a: villages.economy_in_bracket(a, Y, "5-10"), count),
    "economy-10-50": Figure(lambda a: villages.economy_in_bracket(a, Y, "10-50"), count),
    "economy-50-100": Figure(lambda a: villages.economy_in_bracket(a, Y, "50-100"), count),
    "economy-100-plus": Figure(lambda a: villages.economy_in_bracket(a, Y, "100-plus"), count),
    "economy-accumulated": Figure(lambda a: villages.economy_in(a, Y), total_wan("accumulated_assets")),
    "hollow-villages": Figure(lambda a: villages.hollow_villages(a, Y), count),
    "exit-need-aspects": Figure(villages.exit_needs, distinct("category")),
    # Policies
    "sector-plans": Figure(lambda a: villages.policies(a, PolicyDocument.Kind.SPECIAL_PLAN), count),
    "implementation-plans": Figure(lambda a: villages.policies(a, PolicyDocument.Kind.IMPLEMENTATION_PLAN), count),
    "action-plans": Figure(lambda a: villages.policies(a, PolicyDocument.Kind.ACTION_PLAN), count),
    "special-plans": Figure(lambda a: villages.policies(a, PolicyDocument.Kind.SPECIAL_PLAN), count),
    # Funds and projects
    "development-funds": Figure(lambda a: villages.fund_sources(a, purpose=FundSource.Purpose.INDUSTRY,
                                                                kind=K.COUNTY_FINANCE), total_wan("amount")),
    "relocation-funds": Figure(lambda a: villages.project_allocations(
        a, project_category=Project.Category.RELOCATION), total_wan("amount")),
    "province-prefecture-funds": Figure(lambda a: villages.fund_sources(a, K.PROVINCE_PREFECTURE),
                                        total_wan("amount")),
    "city-special-funds": Figure(lambda a: villages.fund_sources(a, K.CITY_FINANCE), total_wan("amount")),
    "dispatching-unit-funds": Figure(lambda a: villages.fund_sources(a, K.DISPATCHING_UNIT), total_wan("amount")),
    "organization-dept-funds": Figure(lambda a: villages.fund_sources(a, K.ORGANIZATION_DEPT),
                                      total_wan("amount")),
    "linked-unit-funds": Figure(lambda a: villages.fund_sources(a, K.LINKED_UNIT), total_wan("amount")),
    "city-infrastructure-funds": Figure(lambda a: villages.project_allocations(a, source_kind=K.CITY_FINANCE),
                                        total_wan("amount")),
    "infrastructure-projects": Figure(villages.poverty_infrastructure_projects, count),
    "infrastructure-project-villages": Figure(villages.poverty_infrastructure_projects, distinct("village")),
    "sector-projects": Figure(villages.sector_projects, count),
    "fund-gates": Figure(villages.gate_transitions, distinct("gate")),
    # The 331 rules of the latest annual assessment period
    "weight-attendance": Figure(assessments.latest_annual_period, field_value("weight_attendance")),
    "weight-duty": Figure(assessments.latest_annual_period, field_value("weight_duty")),
    "weight-satisfaction": Figure(assessments.latest_annual_period, field_value("weight_satisfaction")),
    "bonus-kinds": Figure(assessments.bonus_items, distinct("kind")),
}

# Dashboard figures (issue 3): the headline numbers of the county, township and village pages that no report
# states. They are computed here like the report figures (FIGURES stays exactly the reports' keys), so the
# pages, the API and the rows pages agree; ALL_FIGURES holds both.
HS = Household.Status
DASHBOARD_FIGURES: dict[str, Figure] = {
    "poor-households": Figure(households.poor_households, count),
    "exited-households": Figure(lambda a: households.households_in(a).filter(status=HS.EXITED), count),
    "exited-people": Figure(lambda a: households.members_in(a).filter(household__status=HS.EXITED), count),
    "at-risk-households": Figure(lambda a: households.households_in(a).filter(status=HS.AT_RISK), count),
    "poverty-incidence": Figure(villages.villages_in, poverty_incidence, parameters=("year",)),
    "exited-villages": Figure(lambda a: villages.poor_villages(a).filter(exit_year__isnull=False), count),
    "sector-measures": Figure(lambda a: households.measures_in(a).exclude(category__in=EIGHT_BATCHES), count),
    "sector-measures-implemented": Figure(
        lambda a: households.implemented_measures(a).exclude(category__in=EIGHT_BATCHES), count),
    "fund-sources-total": Figure(villages.fund_sources, total_wan("amount")),
    "funds-allocated": Figure(villages.allocations_in, total_wan("amount")),
    "funds-disbursed": Figure(lambda a: villages.allocations_in(a).filter(gate__gte=Gate.DISBURSEMENT),
                              total_wan("amount")),
    "projects": Figure(villages.projects_in, count),
    "pairings": Figure(households.pairings_in, count),
    "unpaired-households": Figure(lambda a: households.households_in(a).filter(pairings__isnull=True), count),
    "resident-team-households": Figure(
        lambda a: households.households_in(a).filter(
            village__in=cadres.villages_with_assignment(a, Assignment.RESIDENT_ROLES).values("pk")), count),
    "visits-this-month": Figure(lambda a: households.visits_in(a).filter(date__gte=month_start()), count),
}
ALL_FIGURES: dict[str, Figure] = {**FIGURES, **DASHBOARD_FIGURES}


def compute(key: str, area) -> Decimal:
    figure = ALL_FIGURES[key]
    return figure.measure(figure.rows(area))


def rows(key: str, area) -> QuerySet:
    return ALL_FIGURES[key].rows(area)


def measure(key: str, rows: QuerySet, applied: dict | None = None) -> Decimal:
    """The figure's number over `rows` (dashboard.filtered_rows) with the parameters among `applied`: the value
    a rows page shows, which equals the chart cell that links to it."""
    figure = ALL_FIGURES[key]
    return figure.measure(rows, **{name: int(applied[name]) for name in figure.parameters if name in (applied or {})})


@dataclass(frozen=True)
class Reconciled:
    figure: ReportFigure
    computed: Decimal

    @property
    def ok(self) -> bool:
        if self.figure.comparison == ReportFigure.Comparison.AT_LEAST:
            return self.computed >= self.figure.value
        return self.computed == self.figure.value


def reconcile(figures: QuerySet[ReportFigure] | None = None) -> list[Reconciled]:
    """Every stored report figure beside the value computed from the rows."""
    if figures is None:
        figures = ReportFigure.objects.all()
    return [Reconciled(f, compute(f.key, f.county)) for f in figures.select_related("county")]
