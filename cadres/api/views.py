"""Viewsets of the cadres API: cadres, units, assignments, trainings and promotions (read-only, area-scoped), and
the cadres' own reports — monthly attendance, annual commitments, quarterly reports — written through
cadres.services exactly as the site's forms write them.

Who reads which reports follows the site (cadres.selectors): a cadre their own, county staff and supervisors
those of their area's cadres. A cadre files and edits their own reports (403 for anyone else, and for a locked
attendance report); supervisors and administrators lock attendance reports of their area.
"""

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from povertyboard.access import Access, active_assignment_q
from povertyboard.api.base import ScopedMixin, ScopedReadOnlyViewSet

from .. import filters, selectors, services
from ..models import (
    AnnualCommitment,
    Assignment,
    AttendanceReport,
    Cadre,
    Promotion,
    QuarterlyReport,
    Training,
    TrainingAttendance,
    Unit,
)
from . import serializers


class CadreViewSet(ScopedReadOnlyViewSet):
    """Cadres of the user's counties, each with their current assignments; phone numbers masked but for
    administrators."""

    queryset = Cadre.objects.select_related("county", "unit")
    serializer_class = serializers.CadreSerializer
    filterset_class = filters.CadreFilterSet
    search_fields = ["name", "post", "unit__name"]
    ordering_fields = ["name", "county__code", "unit__name", "post", "id"]
    ordering = ["county__code", "name", "id"]

    def get_queryset(self):
        current = (Assignment.objects.filter(active_assignment_q(timezone.localdate()))
                   .select_related("village").order_by("village__code", "role"))
        return super().get_queryset().prefetch_related(
            Prefetch("assignments", queryset=current, to_attr="current_assignments"))


class UnitViewSet(ScopedReadOnlyViewSet):
    """Dispatching and helper units (派出单位 / 帮扶单位) of the user's counties."""

    queryset = Unit.objects.select_related("county").annotate(cadre_count=Count("cadres"))
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "kind", "county__code", "cadre_count", "id"]
    ordering = ["county__code", "kind", "name", "id"]


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """Cadres' assignments to villages (驻村任职), past and current."""

    queryset = Assignment.objects.select_related("cadre", "village")
    serializer_class = serializers.AssignmentSerializer
    filterset_class = filters.AssignmentFilterSet
    search_fields = ["cadre__name", "village__name"]
    ordering_fields = ["start_date", "end_date", "role", "village__code", "cadre__name", "id"]
    ordering = ["village__code", "role", "start_date", "id"]

    def get_queryset(self):
        current = ExpressionWrapper(active_assignment_q(timezone.localdate()), output_field=BooleanField())
        return super().get_queryset().annotate(is_current=current)


class TrainingViewSet(ScopedReadOnlyViewSet):
    """Trainings (岗前培训 / 专题轮训 / 观摩集训 / 实践验训) held in the user's counties."""

    queryset = Training.objects.select_related("county").annotate(attendee_count=Count("attendances"))
    serializer_class = serializers.TrainingSerializer
    filterset_class = filters.TrainingFilterSet
    search_fields = ["title", "location"]
    ordering_fields = ["start_date", "title", "days", "attendee_count", "id"]
    ordering = ["-start_date", "id"]


class TrainingAttendanceViewSet(ScopedReadOnlyViewSet):
    """Who attended which training."""

    queryset = TrainingAttendance.objects.select_related("training", "cadre")
    serializer_class = serializers.TrainingAttendanceSerializer
    filterset_class = filters.TrainingAttendanceFilterSet
    search_fields = ["training__title", "cadre__name"]
    ordering_fields = ["training__start_date", "cadre__name", "id"]
    ordering = ["-training__start_date", "cadre__name", "id"]


class PromotionViewSet(ScopedReadOnlyViewSet):
    """Promotions of cadres (提拔使用)."""

    queryset = Promotion.objects.select_related("cadre")
    serializer_class = serializers.PromotionSerializer
    filterset_class = filters.PromotionFilterSet
    search_fields = ["cadre__name", "from_post", "to_post"]
    ordering_fields = ["date", "cadre__name", "id"]
    ordering = ["-date", "id"]


class OwnReportMixin(ScopedMixin):
    """A cadre's own reports: listed by the selector of who reads them; written by the cadre themself (a cadre
    with a current assignment, as cadres.services requires). The role is checked first (403), then the row must
    be among those the user reads (404) and their own (403)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def may_write(self, access: Access) -> bool:
        return self.action in ("create", "partial_update") and access.is_cadre and bool(access.village_ids)

    def may_write_object(self, access: Access, obj) -> bool:
        return self.may_write(access) and obj.cadre_id == access.cadre_id


@extend_schema_view(
    create=extend_schema(request=serializers.AttendanceReportWriteSerializer,
                         responses={201: serializers.AttendanceReportSerializer}),
    partial_update=extend_schema(request=serializers.AttendanceReportWriteSerializer,
                                 responses={200: serializers.AttendanceReportSerializer}),
)
class AttendanceReportViewSet(OwnReportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              viewsets.GenericViewSet):
    """Monthly attendance reports (考勤月报). A cadre files (POST) and corrects (PATCH) their own until a
    supervisor locks it (POST …/lock/); one report per month, days adding up to at most the month's days."""

    queryset = AttendanceReport.objects.all()
    serializer_class = serializers.AttendanceReportSerializer
    filterset_class = filters.AttendanceReportFilterSet
    search_fields = ["cadre__name"]
    ordering_fields = ["month", "cadre__name", "days_present", "unreported_absences", "submitted_at", "id"]
    ordering = ["-month", "cadre__name", "id"]

    def get_queryset(self):
        return selectors.attendance_reports_for(self.access)

    def may_write(self, access: Access) -> bool:
        if self.action == "lock":
            return access.is_supervisor
        return super().may_write(access)

    def may_write_object(self, access: Access, obj) -> bool:
        if self.action == "lock":
            return access.is_supervisor
        return super().may_write_object(access, obj) and not obj.locked

    def _answer(self, report, code):
        return Response(serializers.AttendanceReportSerializer(report, context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        data = self._valid(serializers.AttendanceReportWriteSerializer(data=request.data))
        report = services.create_attendance_report(user=request.user, **data)
        return self._answer(report, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        data = self._valid(serializers.AttendanceReportWriteSerializer(data=request.data, partial=True))
        report = services.update_attendance_report(user=request.user, report=report, **data)
        return self._answer(report, status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: serializers.AttendanceReportSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """Lock the report (supervisors of its county and administrators): the cadre can no longer change it."""
        report = services.lock_attendance_report(user=request.user, report=self.get_object())
        return self._answer(report, status.HTTP_200_OK)

    @staticmethod
    def _valid(serializer) -> dict:
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class SavedReportViewSet(OwnReportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """POST saves the cadre's own report of a period: created (201) or, if it exists, replaced (200)."""

    write_serializer_class: type
    period_fields: tuple
    save_service: staticmethod  # the cadres.services function that creates or replaces the report

    def create(self, request, *args, **kwargs):
        write = self.write_serializer_class(data=request.data)
        write.is_valid(raise_exception=True)
        period = {name: write.validated_data[name] for name in self.period_fields}
        existed = self.queryset.filter(cadre_id=self.access.cadre_id, **period).exists()
        report = self.save_service(user=request.user, **write.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_200_OK if existed
                        else status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(
    request=serializers.CommitmentWriteSerializer,
    responses={201: serializers.CommitmentSerializer,
               200: OpenApiResponse(serializers.CommitmentSerializer, description="replaced")}))
class CommitmentViewSet(SavedReportViewSet):
    """Annual commitments (年承诺): a cadre's own, or their area's for county staff and supervisors."""

    queryset = AnnualCommitment.objects.all()
    serializer_class = serializers.CommitmentSerializer
    write_serializer_class = serializers.CommitmentWriteSerializer
    period_fields = ("year",)
    save_service = staticmethod(services.save_commitment)
    filterset_class = filters.CommitmentFilterSet
    search_fields = ["cadre__name", "content"]
    ordering_fields = ["year", "cadre__name", "submitted_at", "id"]
    ordering = ["-year", "cadre__name", "id"]

    def get_queryset(self):
        return selectors.commitments_for(self.access)


@extend_schema_view(create=extend_schema(
    request=serializers.QuarterlyReportWriteSerializer,
    responses={201: serializers.QuarterlyReportSerializer,
               200: OpenApiResponse(serializers.QuarterlyReportSerializer, description="replaced")}))
class QuarterlyReportViewSet(SavedReportViewSet):
    """Quarterly reports (季报告): a cadre's own, or their area's for county staff and supervisors."""

    queryset = QuarterlyReport.objects.all()
    serializer_class = serializers.QuarterlyReportSerializer
    write_serializer_class = serializers.QuarterlyReportWriteSerializer
    period_fields = ("year", "quarter")
    save_service = staticmethod(services.save_quarterly_report)
    filterset_class = filters.QuarterlyReportFilterSet
    search_fields = ["cadre__name", "content"]
    ordering_fields = ["year", "quarter", "cadre__name", "submitted_at", "id"]
    ordering = ["-year", "-quarter", "cadre__name", "id"]

    def get_queryset(self):
        return selectors.quarterly_reports_for(self.access)
