"""Viewsets of the 331 assessment API. As on the site, only supervisors (and administrators) read and write
them: in their counties they create and close periods, score them and write their inputs."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, filters, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from povertyboard.access import Access, access_of
from povertyboard.api.backends import FilterBackend
from povertyboard.api.base import ScopedMixin, WritePermission, offers

from .. import selectors, services
from ..filters import PeriodFilterSet, PeriodInputFilterSet, ScorecardFilterSet
from ..models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Scorecard, Veto
from . import serializers


class SupervisorsOnly(permissions.BasePermission):
    """The 331 assessment is the supervisors' work: as on the site, other roles are refused (403), reads too."""

    def has_permission(self, request, view):
        return not offers(view, request) or access_of(request.user).is_supervisor


class SupervisorWrites:
    """Supervisors and administrators read, and write the actions in `write_actions`; the rows are already
    narrowed to the user's counties."""

    permission_classes = [permissions.IsAuthenticated, SupervisorsOnly, WritePermission]
    write_actions = ()

    def may_write(self, access: Access) -> bool:
        return self.action in self.write_actions


class PeriodViewSet(SupervisorWrites, ScopedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """考核期: the periods of the user's counties with the rules they are scored by."""

    queryset = AssessmentPeriod.objects.select_related("county")
    serializer_class = serializers.PeriodSerializer
    filterset_class = PeriodFilterSet
    search_fields = ["name"]
    ordering_fields = ["id", "start_date", "end_date", "name"]
    ordering = ["county__code", "-start_date", "id"]
    write_actions = ("create", "score", "close")

    def perform_create(self, serializer):
        serializer.instance = services.create_period(user=self.request.user,
                                                     period=AssessmentPeriod(**serializer.validated_data))

    @extend_schema(request=None, responses=serializers.ScoredSerializer, summary="Score the period (计算记分卡)",
                   description="(Re)computes every cadre's scorecard of the period; refused (400) once it is closed.")
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        cards = services.score_period(self.get_object(), actor=request.user)
        return Response({"scored": len(cards)})

    @extend_schema(request=None, responses=serializers.PeriodSerializer, summary="Close the period (结束考核期)",
                   description="Freezes the period's rules, inputs and scorecards; closing it again changes nothing.")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        period = services.close_period(user=request.user, period=self.get_object())
        return Response(self.get_serializer(period).data)


class ScorecardFilterBackend(FilterBackend):
    """The site's ScorecardFilterSet, built for the view's period (its unit and village choices)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "period": view.period}


class ScorecardViewSet(SupervisorWrites, ScopedMixin, viewsets.ReadOnlyModelViewSet):
    """考核记分卡: the scorecards of one period, filtered and sorted (`sort`) as on the site's scorecard page."""

    queryset = Scorecard.objects.all()
    serializer_class = serializers.ScorecardSerializer
    filter_backends = [ScorecardFilterBackend, filters.SearchFilter]
    filterset_class = ScorecardFilterSet
    search_fields = ["cadre__name"]

    def _period(self) -> AssessmentPeriod | None:
        """The list's period (?period=, one of the user's counties', else 400), or the scorecard's."""
        periods = self.access.restrict(AssessmentPeriod.objects.select_related("county"))
        if self.action == "list":
            raw = self.request.query_params.get("period", "")
            period = periods.filter(pk=raw).first() if raw.isdigit() else None
            if period is None:
                raise exceptions.ValidationError({"period": [_("请指定本人所辖县（市）的一个考核期的 id。")]})
            return period
        pk = self.kwargs[self.lookup_field]
        return periods.filter(scorecards__pk=pk).first() if pk.isdigit() else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Scorecard.objects.none()
        self.period = self._period()
        return Scorecard.objects.none() if self.period is None else selectors.scorecards(self.period)

    @extend_schema(parameters=[OpenApiParameter(
        "period", int, required=True,
        description="考核期的 id（必填）。The other filters and `sort` are those of the site's scorecard page.",
    )])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class PeriodInputViewSet(SupervisorWrites, ScopedMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """A kind of scoring input of the periods of the user's counties; writes are refused once the period is closed."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = PeriodInputFilterSet
    search_fields = ["cadre__name"]
    ordering_fields = ["id", "period", "cadre__name"]
    ordering = ["-period__start_date", "cadre__name", "id"]
    write_actions = ("create", "partial_update", "destroy")
    update_serializer_class = None  # the serializer of a PATCH, with the period fixed

    def get_serializer_class(self):
        return self.update_serializer_class if self.action == "partial_update" else self.serializer_class

    def perform_create(self, serializer):
        row = serializer.Meta.model(**serializer.validated_data)
        serializer.instance = services.save_input(user=self.request.user, row=row)

    def perform_update(self, serializer):
        row = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(row, name, value)
        serializer.instance = services.save_input(user=self.request.user, row=row)

    def perform_destroy(self, instance):
        services.delete_input(user=self.request.user, row=instance)


class DutyRatingViewSet(PeriodInputViewSet):
    """履职评分: supervisors' 0–100 ratings of cadres from their commitments and quarterly reports."""

    queryset = DutyRating.objects.select_related("period", "cadre")
    serializer_class = serializers.DutyRatingSerializer
    update_serializer_class = serializers.DutyRatingUpdateSerializer
    ordering_fields = [*PeriodInputViewSet.ordering_fields, "score"]


class SurveyViewSet(PeriodInputViewSet):
    """满意度测评: answers (satisfied / basically satisfied / unsatisfied) of one group about one cadre."""

    queryset = SatisfactionSurvey.objects.select_related("period", "cadre")
    serializer_class = serializers.SurveySerializer
    update_serializer_class = serializers.SurveyUpdateSerializer
    ordering_fields = [*PeriodInputViewSet.ordering_fields, "group"]


class BonusItemViewSet(PeriodInputViewSet):
    """加分项: commendations, outstanding results and model experience, with their points."""

    queryset = BonusItem.objects.select_related("period", "cadre")
    serializer_class = serializers.BonusItemSerializer
    update_serializer_class = serializers.BonusItemUpdateSerializer
    ordering_fields = [*PeriodInputViewSet.ordering_fields, "kind", "points"]


class VetoViewSet(PeriodInputViewSet):
    """一票否决: a veto grades the cadre 不称职 whatever the total."""

    queryset = Veto.objects.select_related("period", "cadre")
    serializer_class = serializers.VetoSerializer
    update_serializer_class = serializers.VetoUpdateSerializer
