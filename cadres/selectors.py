"""Read queries over cadres, units and trainings. Every function takes an area."""

from django.db.models import QuerySet

from households.models import HelperStaff
from households.selectors import pairings_in
from villages.models import Village
from villages.selectors import Area, area_q, county_of

from .models import Assignment, Cadre, Promotion, Training, TrainingAttendance, Unit

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


def units_with_paired_staff(area: Area, kinds) -> QuerySet[Unit]:
    return Unit.objects.filter(
        kind__in=kinds, pk__in=helper_staff_paired(area).values("unit")
    )


def helper_staff_paired(area: Area) -> QuerySet[HelperStaff]:
    return HelperStaff.objects.filter(pk__in=pairings_in(area).values("helper"))


def trainings(area: Area) -> QuerySet[Training]:
    return Training.objects.filter(county=county_of(area))


def training_attendances(area: Area) -> QuerySet[TrainingAttendance]:
    return TrainingAttendance.objects.filter(training__county=county_of(area))


def promotions(area: Area) -> QuerySet[Promotion]:
    return Promotion.objects.filter(cadre__county=county_of(area))
