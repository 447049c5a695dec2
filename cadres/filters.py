"""Filtersets of the cadres API (no site list page filters these rows yet).

Every choice is checked: an unknown role, kind or code, a number that is not one, or a cadre, unit, village or
training outside the user's counties is a 400 naming the parameter, never a silently ignored filter.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from povertyboard.access import access_of, active_assignment_q
from villages.models import County, Village

from .forms import MonthField
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

YES_NO = [("true", _("是")), ("false", _("否"))]


def in_area(rows: QuerySet, county_path: str):
    """The choices of a foreign-key filter: `rows` in the requesting user's counties (none without a request)."""

    def choices(request):
        if request is None:
            return rows.none()
        return access_of(request.user).restrict(rows, county_path)

    return choices


def county_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, to_field_name="code", queryset=in_area(County.objects.all(), ""),
        label=_("县（市）行政区划代码"))


def cadre_filter(field_name: str = "cadre"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=in_area(Cadre.objects.all(), "county"), label=_("干部 ID"))


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals)."""

    field_class = forms.IntegerField


class MonthFilter(django_filters.DateFilter):
    """A month as YYYY-MM (or any day of it, YYYY-MM-DD)."""

    field_class = MonthField


def year_filter(field_name: str = "year"):
    return IntegerFilter(field_name=field_name, min_value=1, max_value=9999, label=_("年度"))


def yes_no_filter(label, method: str | None = None, field_name: str | None = None):
    """true / false, anything else a 400 (django-filter's BooleanFilter would ignore it)."""
    return django_filters.ChoiceFilter(choices=YES_NO, label=label, method=method or "filter_yes_no",
                                       field_name=field_name)


class YesNoMixin:
    def filter_yes_no(self, rows, name, value):
        return rows.filter(**{name: value == "true"})


class CadreFilterSet(django_filters.FilterSet):
    county = county_filter("county")
    unit = django_filters.ModelChoiceFilter(queryset=in_area(Unit.objects.all(), "county"), label=_("派出单位 ID"))
    village = django_filters.ModelChoiceFilter(
        field_name="assignments__village", to_field_name="code",
        queryset=in_area(Village.objects.all(), "township__county"), method="filter_current_assignment",
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
    county = county_filter("county")
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("类别"))

    class Meta:
        model = Unit
        fields = ["county", "kind"]


class AssignmentFilterSet(django_filters.FilterSet):
    county = county_filter("village__township__county")
    village = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=in_area(Village.objects.all(), "township__county"), label=_("行政村代码"))
    cadre = cadre_filter()
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices, label=_("角色"))
    current = yes_no_filter(_("今天是否在任"), method="filter_current")

    class Meta:
        model = Assignment
        fields = ["county", "village", "cadre", "role", "current"]

    def filter_current(self, rows, name, value):
        current = active_assignment_q(timezone.localdate())
        return rows.filter(current) if value == "true" else rows.exclude(current)


class TrainingFilterSet(django_filters.FilterSet):
    county = county_filter("county")
    kind = django_filters.ChoiceFilter(choices=Training.Kind.choices, label=_("类别"))
    start_date = django_filters.DateFromToRangeFilter(label=_("开始日期（start_date_after / start_date_before）"))

    class Meta:
        model = Training
        fields = ["county", "kind", "start_date"]


class TrainingAttendanceFilterSet(django_filters.FilterSet):
    county = county_filter("training__county")
    training = django_filters.ModelChoiceFilter(queryset=in_area(Training.objects.all(), "county"),
                                                label=_("培训 ID"))
    cadre = cadre_filter()

    class Meta:
        model = TrainingAttendance
        fields = ["county", "training", "cadre"]


class PromotionFilterSet(django_filters.FilterSet):
    county = county_filter("cadre__county")
    cadre = cadre_filter()
    date = django_filters.DateFromToRangeFilter(label=_("日期（date_after / date_before）"))

    class Meta:
        model = Promotion
        fields = ["county", "cadre", "date"]


class AttendanceReportFilterSet(YesNoMixin, django_filters.FilterSet):
    county = county_filter("cadre__county")
    cadre = cadre_filter()
    month = MonthFilter(label=_("月份（YYYY-MM）"))
    year = year_filter("month__year")
    locked = yes_no_filter(_("已锁定"), field_name="locked")

    class Meta:
        model = AttendanceReport
        fields = ["county", "cadre", "month", "year", "locked"]


class CommitmentFilterSet(django_filters.FilterSet):
    county = county_filter("cadre__county")
    cadre = cadre_filter()
    year = year_filter()

    class Meta:
        model = AnnualCommitment
        fields = ["county", "cadre", "year"]


class QuarterlyReportFilterSet(django_filters.FilterSet):
    county = county_filter("cadre__county")
    cadre = cadre_filter()
    year = year_filter()
    quarter = django_filters.ChoiceFilter(choices=[(q, str(q)) for q in range(1, 5)], label=_("季度"))

    class Meta:
        model = QuarterlyReport
        fields = ["county", "cadre", "year", "quarter"]
