"""Reads behind the cadres' own work pages that are not the cadres app's own: the households and open measures of
the villages the user writes for."""

from django.db.models import Exists, OuterRef, QuerySet

from households.models import Household, Measure, Pairing
from povertyboard.access import CHANGE, Access


def my_households(access: Access) -> QuerySet[Household]:
    """Households of the user's villages, each marked `paired` if it has a helper (结对帮扶)."""
    return (
        access.restrict(Household.objects.select_related("village"), CHANGE)
        .annotate(paired=Exists(Pairing.objects.filter(household=OuterRef("pk"))))
        .order_by("village__code", "number")
    )


def open_measures(access: Access) -> QuerySet[Measure]:
    return (
        access.restrict(Measure.objects.filter(status=Measure.Status.PLANNED), CHANGE)
        .select_related("village", "household")
        .order_by("planned_date", "pk")
    )
