"""Viewsets of the dashboards API: areas with their dashboards (summary, charts, rows behind a number) and the
report figures beside their computed values.

They are served by the code the area pages use (dashboards/dashboard.py, dashboards/figures.py).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.response import Response

from dashboards import dashboard, figures, selectors, snapshots
from povertyboard.api.base import ScopedReadOnlyViewSet
from villages.api.serializers import CountySerializer, TownshipSerializer, VillageSerializer
from villages.api.views import LOOKUP
from villages.filters import ReportFigureFilterSet, TownshipFilterSet, VillageFilterSet
from villages.models import County, ReportFigure, Township, Village

from . import serializers as s

# Every filter and figure parameter a rows action takes (each applies only to the figures that have it).
ROW_FILTERS = sorted(set().union(*dashboard.FILTERS.values(), *(f.parameters for f in figures.ALL_FIGURES.values())))


def reconciled(stored) -> list[figures.Reconciled]:
    """figures.reconcile() of the stored figures, in their order; a key with no computation gets computed=None."""
    known = [f.pk for f in stored if f.key in figures.ALL_FIGURES]
    results = {r.figure.pk: r for r in figures.reconcile(ReportFigure.objects.filter(pk__in=known))}
    return [results.get(f.pk) or figures.Reconciled(f, None) for f in stored]


def positive_page(request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise exceptions.ValidationError({"page": [_("请输入正整数。")]})
    return int(raw)


def rows_page(key: str, area, params, page_number: int, may_see_ids: bool):
    """selectors.rows_page, with a value a filter cannot take answered as a 400 naming that filter."""
    try:
        return selectors.rows_page(key, area, params, page_number, may_see_ids)
    except (ValidationError, ValueError, TypeError):
        errors = {}
        for name in sorted({*dashboard.FILTERS.get(key, ()), *figures.ALL_FIGURES[key].parameters}):
            if params.get(name) not in (None, ""):
                try:
                    dashboard.filtered_rows(key, area, {name: params[name]})
                except (ValidationError, ValueError, TypeError):
                    errors[name] = [_("筛选值无效：%(value)s") % {"value": params[name]}]
        raise exceptions.ValidationError(errors) from None


KEY_PARAMETER = OpenApiParameter("key", str, OpenApiParameter.PATH, enum=sorted(figures.ALL_FIGURES),
                                 description="Figure key (指标键) of a dashboard number or report figure")
CHART_PARAMETER = OpenApiParameter("chart_id", str, OpenApiParameter.PATH, enum=list(s.CHARTS),
                                   description="Chart id; economy only for counties and townships")
ROWS_PARAMETERS = [
    OpenApiParameter("page", int, description="Page of 100 rows (from 1)"),
    *[OpenApiParameter(name, str, description=(
        f"Narrow the rows by {name} (comma-separated values mean any of them); only for the figures a chart "
        "cell filters this way, ignored otherwise")) for name in ROW_FILTERS],
]


# An area's dashboard actions: one area, so none of the list's filters, search, ordering or pages (and ?status=
# narrows the rows behind a number there, not the areas).
DASHBOARD = {"detail": True, "filter_backends": [], "pagination_class": None}


class AreaViewSet(ScopedReadOnlyViewSet):
    """An area list and detail, plus its dashboard: summary, charts, one chart and the rows behind a number."""

    lookup_value_regex = LOOKUP

    @extend_schema(summary="Dashboard summary: headline numbers, tables and (counties) report figures",
                   responses=s.SummarySerializer)
    @action(**DASHBOARD)
    def summary(self, request, **kwargs):
        area = self.get_object()
        board = snapshots.dashboard(area)
        summary = {"board": board, "demo": board.demo, "report_figures": reconciled(list(board.report_keys.values()))}
        return Response(s.SummarySerializer(summary, context=self.get_serializer_context()).data)

    @extend_schema(summary="The area's charts (six village charts, and the collective economy above village level)",
                   responses=s.ChartSerializer(many=True))
    @action(**DASHBOARD)
    def charts(self, request, **kwargs):
        area = self.get_object()
        context = {**self.get_serializer_context(), "area": area}
        return Response(s.ChartSerializer(snapshots.dashboard(area).charts, many=True, context=context).data)

    @extend_schema(summary="One chart of the area", parameters=[CHART_PARAMETER], responses=s.ChartSerializer)
    @action(**DASHBOARD, url_path=r"charts/(?P<chart_id>[^/]+)")
    def chart(self, request, chart_id, **kwargs):
        area = self.get_object()
        chart = next((c for c in snapshots.dashboard(area).charts if c.id == chart_id), None)
        if chart is None:
            raise exceptions.NotFound
        context = {**self.get_serializer_context(), "area": area}
        return Response(s.ChartSerializer(chart, context=context).data)

    @extend_schema(summary="The rows behind a number: a figure's rows in the area, narrowed by a cell's filters",
                   parameters=[KEY_PARAMETER, *ROWS_PARAMETERS], responses=s.FigureRowsSerializer)
    @action(**DASHBOARD, url_path=r"rows/(?P<key>[^/]+)")
    def rows(self, request, key, **kwargs):
        area = self.get_object()
        if key not in figures.ALL_FIGURES:
            raise exceptions.NotFound
        page_number = positive_page(request)
        found = rows_page(key, area, request.query_params, page_number, self.access.may_see_resident_ids)
        page = found.page
        if page.number != page_number:
            raise exceptions.NotFound(_("没有这一页。"))
        return Response(s.FigureRowsSerializer({
            "key": key,
            "label": found.label,
            "unit": found.unit,
            "value": found.value,
            "filters": found.applied,
            "model": found.table["model_name"],
            "columns": found.table["headers"],
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "rows": found.table["table"],
        }).data)


class CountyViewSet(AreaViewSet):
    """Counties (县、县级市) of the user's area, by 6-digit code."""

    queryset = County.objects.all()
    serializer_class = CountySerializer
    lookup_field = "code"
    search_fields = ("name", "code")
    ordering_fields = ("code", "name")
    ordering = ("code",)


class TownshipViewSet(AreaViewSet):
    """Townships (镇、乡、街道、区工委) of the user's counties, by id."""

    queryset = Township.objects.with_county()
    serializer_class = TownshipSerializer
    filterset_class = TownshipFilterSet
    search_fields = ("name",)
    ordering_fields = ("id", "name", "county__code")
    ordering = ("county__code", "name")


class VillageViewSet(AreaViewSet):
    """Administrative villages of the user's counties, by village code."""

    queryset = Village.objects.select_related("township").with_county()
    serializer_class = VillageSerializer
    lookup_field = "code"
    filterset_class = VillageFilterSet
    search_fields = ("name", "code")
    ordering_fields = ("code", "name", "population", "planned_exit_year", "exit_year")
    ordering = ("code",)


class ReportFigureViewSet(ScopedReadOnlyViewSet):
    """The figures the two reports state, beside the value computed from the rows (figures.reconcile)."""

    lookup_value_regex = LOOKUP
    queryset = ReportFigure.objects.select_related("county")
    serializer_class = s.ReportFigureSerializer
    filterset_class = ReportFigureFilterSet
    search_fields = ("label", "source_sentence")
    ordering_fields = ("county__code", "order", "key")
    ordering = ("county__code", "order")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(reconciled(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(reconciled([self.get_object()])[0]).data)


