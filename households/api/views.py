"""Viewsets of the households API: the registry read-only, measures and visits written through the services.

Reads are narrowed to the user's counties (povertyboard.api.base.ScopedMixin: another county's row is a 404).
Writes go through households.services exactly as the site's forms do (work/views.py): a cadre for the
villages of their current assignments, an administrator anywhere; the services check the area again, raise
field errors (400) and StaleMeasure, answered here with a 409 carrying the measure as it is now.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from povertyboard.api.backends import FilterBackend
from povertyboard.api.base import ScopedMixin, ScopedReadOnlyViewSet
from povertyboard.api.errors import Conflict

from .. import services
from ..filters import (
    BenefitFilter,
    HelperStaffFilter,
    HouseholdFilter,
    MeasureFilter,
    MemberFilter,
    PairingFilter,
    VisitFilter,
    add_row_figures,
    with_row_figures,
)
from ..models import Benefit, HelperStaff, Household, HouseholdYear, Measure, Member, Pairing, Visit
from . import serializers as s


class ServiceWriteViewSet(ScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve, plus the subclass's writes, each made through a service (no PUT or DELETE: 405)."""

    def valid_input(self, serializer_class, instance=None) -> dict:
        serializer = serializer_class(instance, data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, obj, code=status.HTTP_200_OK) -> Response:
        """The written row as the list shows it (read again through the scoped queryset)."""
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)


# ------------------------------------------------------------------------------------------ read-only


class HouseholdViewSet(ScopedReadOnlyViewSet):
    """贫困户 (建档立卡). Filters and `sort` are those of the site's household list page."""

    queryset = Household.objects.select_related("village__township").order_by("village__code", "number", "pk")
    # HouseholdFilter carries the ordering (`sort`) and the text search (`q`) of the list page.
    filter_backends = [FilterBackend]
    filterset_class = HouseholdFilter

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action == "retrieve":
            rows = with_row_figures(rows).prefetch_related(
                Prefetch("members", Member.objects.order_by("id")),
                Prefetch("years", HouseholdYear.objects.order_by("year")))
        return rows

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        add_row_figures(page)
        return page

    def get_serializer_class(self):
        return s.HouseholdDetailSerializer if self.action == "retrieve" else s.HouseholdSerializer


class MemberViewSet(ScopedReadOnlyViewSet):
    """家庭成员; resident ID numbers are masked for everyone but administrators."""

    queryset = Member.objects.select_related("household__village")
    serializer_class = s.MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["name", "household"]  # not by birth date: an order of hidden dates is an oracle of them
    ordering = ["household", "id"]
    search_fields = ["name"]


class BenefitViewSet(ScopedReadOnlyViewSet):
    """受益记录: 低保, medical reimbursements, education aid, jobs, loans…"""

    queryset = Benefit.objects.select_related("household__village")
    serializer_class = s.BenefitSerializer
    filterset_class = BenefitFilter
    ordering_fields = ["date", "amount", "kind"]
    ordering = ["household", "date", "id"]
    search_fields = ["provider", "note"]


class HelperViewSet(ScopedReadOnlyViewSet):
    """帮扶责任人: staff of the helper units (党政军企) paired with households."""

    queryset = HelperStaff.objects.select_related("unit")
    serializer_class = s.HelperStaffSerializer
    filterset_class = HelperStaffFilter
    ordering_fields = ["name", "unit"]
    ordering = ["unit", "name", "id"]
    search_fields = ["name", "unit__name"]


class PairingViewSet(ScopedReadOnlyViewSet):
    """结对帮扶: a helper paired with a household, from a date (to a date)."""

    queryset = Pairing.objects.select_related("household__village", "helper__unit")
    serializer_class = s.PairingSerializer
    filterset_class = PairingFilter
    ordering_fields = ["start_date", "end_date"]
    ordering = ["household", "start_date", "id"]


# ------------------------------------------------------------------------------------------ measures


MEASURE_ANSWERS = {200: s.MeasureSerializer, 409: s.MeasureConflictSerializer}


class MeasureViewSet(ServiceWriteViewSet):
    """帮扶措施: planned → implemented or cancelled. Writes by cadres for their villages, and administrators.

    Every change names the `version` it was read at; a stale version is a 409 with the current measure.
    """

    queryset = Measure.objects.select_related("village", "responsible")
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["planned_date", "implemented_date", "amount", "status", "category"]
    ordering = ["village__code", "planned_date", "id"]
    search_fields = ["title"]

    def may_write(self, access) -> bool:
        writer = access.is_admin or bool(access.village_ids)  # a cadre with a current assignment
        return writer and self.action in ("create", "partial_update", "implement", "cancel")

    def may_write_object(self, access, measure) -> bool:
        return access.can_write_village(measure.village_id)

    def _versioned(self, service, measure, **fields):
        try:
            return service(user=self.request.user, measure=measure, **fields)
        except services.StaleMeasure as stale:
            conflict = Conflict()
            conflict.detail = {"detail": conflict.detail, "current": self.get_serializer(stale.current).data}
            raise conflict from None

    @extend_schema(request=s.MeasureCreateSerializer, responses={201: s.MeasureSerializer})
    def create(self, request):
        data = self.valid_input(s.MeasureCreateSerializer)
        return self.answer(services.create_measure(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.MeasureUpdateSerializer, responses=MEASURE_ANSWERS)
    def partial_update(self, request, pk=None):
        measure = self.get_object()
        data = self.valid_input(s.MeasureUpdateSerializer, measure)
        return self.answer(self._versioned(services.update_measure, measure, **data))

    @extend_schema(request=s.MeasureImplementSerializer, responses=MEASURE_ANSWERS)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        measure = self.get_object()
        data = self.valid_input(s.MeasureImplementSerializer)
        return self.answer(self._versioned(services.implement_measure, measure, **data))

    @extend_schema(request=s.MeasureCancelSerializer, responses=MEASURE_ANSWERS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        measure = self.get_object()
        data = self.valid_input(s.MeasureCancelSerializer)
        return self.answer(self._versioned(services.cancel_measure, measure, **data))


# ------------------------------------------------------------------------------------------ visits


class VisitViewSet(ServiceWriteViewSet):
    """走访记录. A cadre logs a visit to a paired household of one of their villages (as the site's form)."""

    queryset = Visit.objects.select_related("village", "cadre", "helper")
    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["date"]
    ordering = ["-date", "id"]
    search_fields = ["purpose"]

    def may_write(self, access) -> bool:
        # a visit is logged by the cadre who made it, in a village of a current assignment (as the service)
        return self.action == "create" and access.cadre_id is not None and bool(access.village_ids)

    @extend_schema(request=s.VisitCreateSerializer, responses={201: s.VisitSerializer})
    def create(self, request):
        data = self.valid_input(s.VisitCreateSerializer)
        return self.answer(services.log_visit(user=request.user, **data), status.HTTP_201_CREATED)
