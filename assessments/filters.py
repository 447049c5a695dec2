"""Filtersets of the 331 assessment: the scorecard filterset, shared by the scorecard list page and the API, and
the API's filters of periods and their inputs."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from cadres.models import Cadre, Unit
from povertyboard.filters import IdFilter, SortFilter, YesNoFilter, in_area, year_filter
from villages.filters import county_filter
from villages.models import Village

from .models import AssessmentPeriod, Grade, Scorecard


class ScorecardFilterSet(django_filters.FilterSet):
    """Filters over `assessments.selectors.scorecards(period)`; choices come from the period's county."""

    unit = django_filters.ModelChoiceFilter(field_name="cadre__unit", queryset=Unit.objects.none(),
                                            label=_("派出单位"), empty_label=_("全部"))
    # The choices (the period's villages) are set per period below; the schema can only say "a village code".
    village = extend_schema_field({"type": "string", "description": "行政村代码（本考核期所在县有驻村干部的村）"})(
        django_filters.ChoiceFilter(field_name="village_code", label=_("行政村"), empty_label=_("全部"))
    )
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("等次"), empty_label=_("全部"))
    incomplete = django_filters.BooleanFilter(label=_("数据不全"))
    sort = SortFilter(
        label=_("排序"),
        fields=(("rank", "rank"), ("unit_rank", "unit_rank"), ("total", "total"), ("attendance", "attendance"),
                ("duty", "duty"), ("satisfaction", "satisfaction"), ("cadre__name", "name")),
        field_labels={"rank": _("县内排名"), "unit_rank": _("单位内排名"), "total": _("总分"),
                      "attendance": _("考勤得分"), "duty": _("履职得分"), "satisfaction": _("满意度得分"),
                      "name": _("姓名")},
    )

    class Meta:
        model = Scorecard
        fields = ["unit", "village", "grade", "incomplete"]

    def __init__(self, *args, period=None, **kwargs):
        super().__init__(*args, **kwargs)
        if period is not None:
            units = Unit.objects.filter(county=period.county_id, cadres__isnull=False)
            self.filters["unit"].queryset = units.distinct()
            self.filters["village"].extra["choices"] = list(
                Village.objects.in_county(period.county_id).filter(assignments__isnull=False)
                .distinct().order_by("code").values_list("code", "name")
            )


class PeriodFilterSet(django_filters.FilterSet):
    """The API's filters of assessment periods, limited to the user's counties."""

    county = county_filter(label=_("县（市）的行政区划代码"))
    kind = django_filters.ChoiceFilter(choices=AssessmentPeriod.Kind.choices, label=_("类别"))
    year = year_filter(_("考核期所涉年份"), min_value=1900, max_value=2100, method="filter_year",
                       help_text=_("考核期所涉及的年份（开始至结束之间）"))
    closed = YesNoFilter(label=_("已结束"))

    class Meta:
        model = AssessmentPeriod
        fields = ["county", "kind", "year", "closed"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(Q(start_date__year__lte=value) & Q(end_date__year__gte=value))


class PeriodInputFilterSet(django_filters.FilterSet):
    """The API's filters of scoring inputs (any of the four kinds): period and cadre, in the user's counties."""

    period = IdFilter(queryset=in_area(AssessmentPeriod), label=_("考核期"))
    cadre = IdFilter(queryset=in_area(Cadre), label=_("干部"))
