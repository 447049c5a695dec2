"""Viewsets of the villages API: projects, funds and gates.

A gate transition is an action (POST allocations/{id}/advance/) done by villages.services.advance_gate.
"""

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from povertyboard.access import Access
from povertyboard.api.base import ScopedReadOnlyViewSet
from povertyboard.api.errors import Conflict
from villages import services
from villages.filters import AllocationFilterSet, FundSourceFilterSet, GateTransitionFilterSet, ProjectFilterSet
from villages.models import FundAllocation, FundSource, GateTransition, Project

from . import serializers as s

# Any path segment reaches the view, so a malformed id (1.5) is the API's JSON 404, not the site's HTML one.
LOOKUP = r"[^/]+"


class ProjectViewSet(ScopedReadOnlyViewSet):
    """Projects (infrastructure, industry, relocation…) of the user's counties, with budget and progress."""

    lookup_value_regex = LOOKUP
    queryset = Project.objects.select_related("county", "village")
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilterSet
    search_fields = ("name", "department")
    ordering_fields = ("id", "year", "name", "budget", "progress", "status")
    ordering = ("year", "name")


class FundSourceViewSet(ScopedReadOnlyViewSet):
    """Money the counties have secured, by provider, with the amount allocated from it so far."""

    lookup_value_regex = LOOKUP
    queryset = FundSource.objects.select_related("county").annotate(
        allocated=Coalesce(Sum("allocations__amount"), Value(0), output_field=DecimalField()))
    serializer_class = s.FundSourceSerializer
    filterset_class = FundSourceFilterSet
    search_fields = ("name", "provider")
    ordering_fields = ("id", "year", "kind", "name", "amount", "allocated")
    ordering = ("year", "kind", "id")


class AllocationViewSet(ScopedReadOnlyViewSet):
    """Fund allocations with their gate and the transitions so far; POST advance/ moves one to the next gate."""

    lookup_value_regex = LOOKUP
    queryset = FundAllocation.objects.select_related("source__county", "project", "village", "household") \
        .prefetch_related("transitions")
    serializer_class = s.AllocationSerializer
    filterset_class = AllocationFilterSet
    search_fields = ("note", "source__name", "project__name", "village__name")
    ordering_fields = ("id", "amount", "gate")
    ordering = ("id",)

    def may_write(self, access: Access) -> bool:
        return self.action == "advance" and access.is_county_staff

    def may_write_object(self, access: Access, obj) -> bool:
        return self.may_write(access) and access.can_read_county(obj.source.county_id)

    @extend_schema(summary="Move the allocation to the next gate (county staff of its county)",
                   request=s.AdvanceSerializer, responses=s.AllocationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def advance(self, request, **kwargs):
        allocation = self.get_object()
        body = s.AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.advance_gate(user=request.user, allocation=allocation, **body.validated_data)
        except services.StaleAllocation as stale:
            if stale.current is None:
                raise exceptions.NotFound from None
            conflict = Conflict()
            conflict.detail = {"detail": conflict.detail,
                               "current": self.get_serializer(self.get_queryset().get(pk=allocation.pk)).data}
            raise conflict from None
        return Response(self.get_serializer(self.get_queryset().get(pk=allocation.pk)).data)


class GateTransitionViewSet(ScopedReadOnlyViewSet):
    """Every gate an allocation has passed: which, who moved it and when."""

    lookup_value_regex = LOOKUP
    queryset = GateTransition.objects.all()
    serializer_class = s.GateTransitionSerializer
    filterset_class = GateTransitionFilterSet
    search_fields = ("note", "actor_name")
    ordering_fields = ("id", "at", "gate")
    ordering = ("at", "id")
