"""Filtersets of the cadres API (no site list page filters these rows yet).

Every choice is checked: an unknown role, kind or code, a number that is not one, or a cadre, unit, village or
training outside the user's counties is a 400 naming the parameter, never a silently ignored filter.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertyboard.access import active_assignment_q, county_lookup
from povertyboard.filters import IdFilter, YesNoFilter, in_area, year_filter
from povertyboard.forms import MonthField
from villages.filters import county_filter, village_filter

from .models import (
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

COUNTY = _("县（市）行政区划代码")  # the label of every county filter here
YEAR = _("年度")


def cadre_filter(field_name: str = "cadre"):
    return IdFilter(field_name=field_name, queryset=in_area(Cadre), label=_("干部 ID"))


class MonthFilter(django_filters.DateFilter):
    """A month as YYYY-MM (or any day of it, YYYY-MM-DD)."""

    field_class = MonthField


class CadreFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county", label=COUNTY)
    unit = IdFilter(queryset=in_area(Unit), label=_("派出单位 ID"))
    village = village_filter(field_name="assignments__village", method="filter_current_assignment",
                             label=_("现任职行政村代码"))
    role = django_filters.ChoiceFilter(field_name="assignments__role", choices=Assignment.Role.choices,
                                       method="filter_current_assignment", label=_("现任职角色"))

    class Meta:
        model = Cadre
        fields = ["county", "unit", "village", "role"]

    def filter_current_assignment(self, rows, name, value):
        """village and role select one current assignment together, in filter_queryset."""
        return rows

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        village, role = self.form.cleaned_data.get("village"), self.form.cleaned_data.get("role")
        if not (village or role):
            return queryset
        current = Assignment.objects.filter(active_assignment_q(timezone.localdate()))
        if village:
            current = current.filter(village=village)
        if role:
            current = current.filter(role=role)
        return queryset.filter(pk__in=current.values("cadre"))


class UnitFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county", label=COUNTY)
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("类别"))

    class Meta:
        model = Unit
        fields = ["county", "kind"]


class AssignmentFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(Assignment), label=COUNTY)
    village = village_filter()
    cadre = cadre_filter()
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices, label=_("角色"))
    current = YesNoFilter(label=_("今天是否在任"), method="filter_current")

    class Meta:
        model = Assignment
        fields = ["county", "village", "cadre", "role", "current"]

    def filter_current(self, rows, name, value):
        current = active_assignment_q(timezone.localdate())
        return rows.filter(current) if value else rows.exclude(current)


class TrainingFilterSet(django_filters.FilterSet):
    county = county_filter(field_name="county", label=COUNTY)
    kind = django_filters.ChoiceFilter(choices=Training.Kind.choices, label=_("类别"))
    start_date = django_filters.DateFromToRangeFilter(label=_("开始日期（start_date_after / start_date_before）"))

    class Meta:
        model = Training
        fields = ["county", "kind", "start_date"]


class TrainingAttendanceFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(TrainingAttendance), label=COUNTY)
    training = IdFilter(queryset=in_area(Training), label=_("培训 ID"))
    cadre = cadre_filter()

    class Meta:
        model = TrainingAttendance
        fields = ["county", "training", "cadre"]


class PromotionFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(Promotion), label=COUNTY)
    cadre = cadre_filter()
    date = django_filters.DateFromToRangeFilter(label=_("日期（date_after / date_before）"))

    class Meta:
        model = Promotion
        fields = ["county", "cadre", "date"]


class AttendanceReportFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(AttendanceReport), label=COUNTY)
    cadre = cadre_filter()
    month = MonthFilter(label=_("月份（YYYY-MM）"))
    year = year_filter(YEAR, field_name="month__year")
    locked = YesNoFilter(label=_("已锁定"), field_name="locked")

    class Meta:
        model = AttendanceReport
        fields = ["county", "cadre", "month", "year", "locked"]


class CommitmentFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(AnnualCommitment), label=COUNTY)
    cadre = cadre_filter()
    year = year_filter(YEAR)

    class Meta:
        model = AnnualCommitment
        fields = ["county", "cadre", "year"]


class QuarterlyReportFilterSet(django_filters.FilterSet):
    county = county_filter(field_name=county_lookup(QuarterlyReport), label=COUNTY)
    cadre = cadre_filter()
    year = year_filter(YEAR)
    quarter = django_filters.ChoiceFilter(choices=[(q, str(q)) for q in range(1, 5)], label=_("季度"))

    class Meta:
        model = QuarterlyReport
        fields = ["county", "cadre", "year", "quarter"]
