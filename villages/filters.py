"""Filtersets of the villages app's API lists: areas, projects, funds, gate transitions and report figures.

Give each filterset the rows the user may read and the request; the area choices (county by code, township
by id, village by code) are limited to the user's counties, so another county's code is a 400 field error,
never a way in. An area filter keeps the rows the area's selector (villages/selectors.py) finds, so "in this
village" means here what it means on the dashboards (e.g. an allocation to a project or a household of it).
Choice filters reject unknown values (400).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from povertyboard.filters import CodeFilter, IdFilter, YesNoFilter, in_area, year_filter

from . import selectors
from .models import County, FundAllocation, FundSource, Gate, GateTransition, Project, ReportFigure, Township, Village


def county_filter(label=None, **kwargs) -> CodeFilter:
    """A county by its code; `label` defaults to 县（市）代码."""
    return CodeFilter(label=label or _("县（市）代码"), queryset=in_area(County), to_field_name="code", **kwargs)


# Townships and villages come with their county, for the site's choice labels ("county · …", see households).
TOWNSHIPS = Township.objects.with_county()
VILLAGES = Village.objects.select_related("township").with_county()


def township_filter(label=None, **kwargs) -> IdFilter:
    """A township by its id; `label` defaults to 乡镇（街道）ID."""
    return IdFilter(label=label or _("乡镇（街道）ID"), queryset=in_area(TOWNSHIPS), **kwargs)


def village_filter(label=None, **kwargs) -> CodeFilter:
    """A village by its code; `label` defaults to 行政村代码."""
    return CodeFilter(label=label or _("行政村代码"), queryset=in_area(VILLAGES),
                      to_field_name="code", **kwargs)


class AreaFilterSet(django_filters.FilterSet):
    """county / township / village filters that keep the rows `selector(area)` finds."""

    selector = None  # area -> QuerySet of the filterset's model

    def filter_area(self, rows, name, area):
        return rows.filter(pk__in=type(self).selector(area).values("pk"))


class TownshipFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Township.Kind.choices)

    class Meta:
        model = Township
        fields = []


class VillageFilterSet(AreaFilterSet):
    selector = staticmethod(selectors.villages_in)

    county = county_filter(method="filter_area")
    township = township_filter(method="filter_area")
    is_poor = YesNoFilter(label=_("贫困村"), field_name="is_poor")
    exited = YesNoFilter(label=_("已摘帽（有摘帽年度）"), method="filter_exited")
    planned_exit_year = year_filter(_("计划摘帽年度"))
    exit_year = year_filter(_("摘帽年度"))
    is_demo = YesNoFilter(label=_("演示数据"), field_name="is_demo")

    class Meta:
        model = Village
        fields = []

    def filter_exited(self, rows, name, value):
        return rows.filter(exit_year__isnull=not value)


class ProjectFilterSet(AreaFilterSet):
    selector = staticmethod(selectors.projects_in)

    county = county_filter(method="filter_area")
    township = township_filter(method="filter_area")
    village = village_filter(method="filter_area")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Project.Status.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Project.Category.choices)
    programme = django_filters.ChoiceFilter(label=_("渠道"), choices=Project.Programme.choices)
    year = year_filter(_("年度"))

    class Meta:
        model = Project
        fields = []


class FundSourceFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county")
    kind = django_filters.ChoiceFilter(label=_("来源"), choices=FundSource.Kind.choices)
    purpose = django_filters.ChoiceFilter(label=_("用途"), choices=FundSource.Purpose.choices)
    year = year_filter(_("年度"))

    class Meta:
        model = FundSource
        fields = []


class AllocationFilterSet(AreaFilterSet):
    selector = staticmethod(selectors.allocations_in)

    county = county_filter(method="filter_area")
    township = township_filter(method="filter_area")
    village = village_filter(method="filter_area")
    gate = django_filters.TypedChoiceFilter(label=_("当前关口"), choices=Gate.choices, coerce=int)
    source = IdFilter(label=_("资金来源 ID"), queryset=in_area(FundSource))
    project = IdFilter(label=_("项目 ID"), queryset=in_area(Project))
    source_kind = django_filters.ChoiceFilter(label=_("资金来源类别"), choices=FundSource.Kind.choices,
                                              field_name="source__kind")
    year = year_filter(_("资金年度"), field_name="source__year")

    class Meta:
        model = FundAllocation
        fields = []


class GateTransitionFilterSet(AreaFilterSet):
    selector = staticmethod(selectors.gate_transitions)

    county = county_filter(method="filter_area")
    village = village_filter(method="filter_area")
    allocation = IdFilter(label=_("资金分配 ID"), queryset=in_area(FundAllocation))
    gate = django_filters.TypedChoiceFilter(label=_("关口"), choices=Gate.choices, coerce=int)
    year = year_filter(_("年份"), field_name="at", lookup_expr="year")

    class Meta:
        model = GateTransition
        fields = []


class ReportFigureFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county")
    key = django_filters.CharFilter(label=_("指标键"), max_length=60)

    class Meta:
        model = ReportFigure
        fields = []
