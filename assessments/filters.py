"""The scorecard filterset, shared by the scorecard list page and (later) the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from villages.models import Village

from .models import Grade, Scorecard


class ScorecardFilterSet(django_filters.FilterSet):
    """Filters over `assessments.selectors.scorecards(period)`; choices come from the period's county."""

    unit = django_filters.ModelChoiceFilter(field_name="cadre__unit", queryset=Unit.objects.none(),
                                            label=_("派出单位"), empty_label=_("全部"))
    village = django_filters.ChoiceFilter(field_name="village_code", label=_("行政村"), empty_label=_("全部"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("等次"), empty_label=_("全部"))
    incomplete = django_filters.BooleanFilter(label=_("数据不全"))
    sort = django_filters.OrderingFilter(
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
                Village.objects.filter(township__county=period.county_id, assignments__isnull=False)
                .distinct().order_by("code").values_list("code", "name")
            )
