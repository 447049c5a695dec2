"""The household filterset, shared by the household list page and the REST API, and the API's other filtersets.

A plain FilterSet over Household: give it the rows the user may read (access_of(user).restrict(...)) and
the request; the area choices (county, township, village) are limited to the user's counties, so a code
from another county is a form error, never a way in.
"""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Unit
from povertyboard.access import access_of, active_assignment_q, county_lookup
from povertyboard.filters import IdFilter, SortFilter, in_area
from villages.filters import VILLAGES, county_filter, township_filter, village_filter

from .models import (
    Benefit,
    HelperStaff,
    Household,
    HouseholdYear,
    Measure,
    MeasureCategory,
    Member,
    Pairing,
    PovertyCause,
    Visit,
)

# ?flag= value -> the Household boolean it selects.
FLAGS = {
    "dibao": "is_dibao",
    "wubao": "is_wubao",
    "dangerous_house": "has_dangerous_house",
    "relocated": "is_relocated",
}
FLAG_CHOICES = [
    ("dibao", _("低保户")),
    ("wubao", _("五保户")),
    ("dangerous_house", _("危房户")),
    ("relocated", _("易地搬迁户")),
]
HELPER_CHOICES = [("yes", _("有帮扶责任人")), ("no", _("无帮扶责任人"))]

# Annotations that with_row_figures() adds; sorting on them adds them when missing.
ROW_FIGURES = ("member_count", "latest_income", "latest_income_year", "helper_count")


def with_row_figures(rows: QuerySet[Household]) -> QuerySet[Household]:
    """Each household with member_count, helper_count, latest_income(_year): subqueries, not a query per row."""
    latest = HouseholdYear.objects.filter(household=OuterRef("pk")).order_by("-year")
    members = (Member.objects.filter(household=OuterRef("pk")).order_by().values("household")
               .annotate(n=Count("pk")).values("n"))
    helpers = (Pairing.objects.filter(household=OuterRef("pk")).order_by().values("household")
               .annotate(n=Count("pk")).values("n"))
    return rows.annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
        helper_count=Coalesce(Subquery(helpers, output_field=IntegerField()), Value(0)),
        latest_income=Subquery(latest.values("income_per_capita")[:1]),
        latest_income_year=Subquery(latest.values("year")[:1]),
    )


def add_row_figures(households: list[Household]) -> None:
    """Set with_row_figures()'s figures on the households of a page already fetched, in one query for them all;
    a page sorted on a figure has them from its own query already.

    After paging, because in the page's own query PostgreSQL evaluates the four figure subqueries for every row
    that the OFFSET skips as well, so a late page cost several times the first. Written out, because the ORM form of
    the four correlated subqueries cost more to build than to run (both: bench/HISTORY.md, 2026-12-01's
    concurrency section and "second machine"); tests/api/test_households_api.py checks both forms agree."""
    if not households or hasattr(households[0], "member_count"):
        return
    pk = Household._meta.pk.column
    income = HouseholdYear._meta.get_field("income_per_capita")
    year = HouseholdYear._meta.get_field("year").column

    def of_household(model) -> str:  # the rows of `model` that belong to the household h
        return f"FROM {model._meta.db_table} WHERE {model._meta.get_field('household').column} = h.{pk}"

    latest = f"{of_household(HouseholdYear)} ORDER BY {year} DESC LIMIT 1"
    placeholders = ", ".join(["%s"] * len(households))
    sql = (f"SELECT h.{pk}, (SELECT COUNT(*) {of_household(Member)}), (SELECT COUNT(*) {of_household(Pairing)}), "
           f"(SELECT {income.column} {latest}), (SELECT {year} {latest}) "
           f"FROM {Household._meta.db_table} h WHERE h.{pk} IN ({placeholders})")
    column = income.get_col(HouseholdYear._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [h.pk for h in households])
        by_pk = {row_pk: figures for row_pk, *figures in cursor.fetchall()}
    for household in households:
        household.member_count, household.helper_count, latest_income, household.latest_income_year = by_pk[
            household.pk]
        for convert in converters:  # as the ORM would give the decimal (SQLite stores it as a number)
            latest_income = convert(latest_income, column, connection)
        household.latest_income = latest_income


class HouseholdOrdering(SortFilter):
    """Whitelisted sorting (?sort=number|-number|head_name|status|members|income|…); sorting on a row figure adds
    the row figures when the rows do not have them yet."""

    def filter(self, qs, value):
        ordering = self.ordering_of(value)
        if any(o.lstrip("-") in ROW_FIGURES for o in ordering) and "member_count" not in qs.query.annotations:
            qs = with_row_figures(qs)
        return super().filter(qs, value)


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.township.name} · {obj.name}"


class VillageFilter(django_filters.ModelChoiceFilter):
    field_class = VillageChoiceField


def _with_county(field: forms.ModelChoiceField) -> None:
    """Prefix a township or village choice with its county, for users who read several counties."""
    plain = field.label_from_instance

    def label(obj):
        return f"{obj.county.name} · {plain(obj)}"

    field.label_from_instance = label


class HouseholdFilter(django_filters.FilterSet):
    county = county_filter(label=_("县（市）"), field_name=county_lookup(Household), empty_label=_("全部"))
    township = township_filter(label=_("乡镇（街道）"), field_name="village__township", empty_label=_("全部"))
    village = VillageFilter(label=_("行政村"), queryset=in_area(VILLAGES), to_field_name="code",
                            field_name="village", empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Household.Status.choices, empty_label=_("全部"))
    cause = django_filters.ChoiceFilter(label=_("致贫原因"), choices=PovertyCause.choices, method="filter_cause",
                                        empty_label=_("全部"))
    flag = django_filters.ChoiceFilter(label=_("户属性"), choices=FLAG_CHOICES, method="filter_flag",
                                       empty_label=_("全部"))
    helper = django_filters.ChoiceFilter(label=_("结对帮扶"), choices=HELPER_CHOICES, method="filter_helper",
                                         empty_label=_("全部"))
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", max_length=50)
    sort = HouseholdOrdering(
        label=_("排序"),
        fields=(
            ("number", "number"),
            ("head_name", "head_name"),
            ("village__code", "village"),
            ("group_no", "group"),
            ("status", "status"),
            ("primary_cause", "cause"),
            ("member_count", "members"),
            ("latest_income", "income"),
            ("helper_count", "helpers"),
        ),
    )

    class Meta:
        model = Household
        fields = []  # every filter is declared above

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            county_ids = access_of(self.request.user).county_ids
            if county_ids is None or len(county_ids) > 1:
                for name in ("township", "village"):
                    _with_county(self.filters[name].field)

    def filter_cause(self, rows, name, value):
        """The primary or the secondary poverty cause."""
        return rows.filter(Q(primary_cause=value) | Q(secondary_cause=value))

    def filter_flag(self, rows, name, value):
        return rows.filter(**{FLAGS[value]: True})

    def filter_helper(self, rows, name, value):
        paired = Exists(Pairing.objects.filter(household=OuterRef("pk")))
        return rows.filter(paired) if value == "yes" else rows.filter(~paired)

    def filter_q(self, rows, name, value):
        """Head name, any member's name, or household number."""
        value = value.strip()
        if not value:
            return rows
        # Correlated (EXISTS per household), so that only the members of the rows are read: a `pk IN (members
        # named like the value)` sub-select scanned every member of the province, whatever the county
        # (bench/HISTORY.md, 2026-12-01's concurrency section).
        by_member = Exists(Member.objects.filter(household=OuterRef("pk"), name__icontains=value))
        return rows.filter(Q(head_name__icontains=value) | Q(number__icontains=value) | by_member)


# ------------------------------------------------------------------------------------------ REST API
# Filtersets of the API's lists that have no list page. Foreign-key choices are limited to the user's
# counties (another county's id is a 400, never a way in); choice filters reject unknown values.

ACTIVE_CHOICES = [("yes", _("进行中")), ("no", _("已结束"))]


VILLAGE = _("行政村（村代码）")  # the label of the village filters below


def _household_filter():
    return IdFilter(label=_("贫困户"), queryset=in_area(Household), field_name="household")


class MemberFilter(django_filters.FilterSet):
    household = _household_filter()
    village = village_filter(field_name="household__village", label=VILLAGE)

    class Meta:
        model = Member
        fields = []


class BenefitFilter(django_filters.FilterSet):
    household = _household_filter()
    village = village_filter(field_name="household__village", label=VILLAGE)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Benefit.Kind.choices)
    date_from = django_filters.DateFilter(label=_("日期自"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期至"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Benefit
        fields = []


class HelperStaffFilter(django_filters.FilterSet):
    unit = IdFilter(label=_("帮扶单位"), queryset=in_area(Unit))
    unit_kind = django_filters.ChoiceFilter(label=_("单位类别"), choices=Unit.Kind.choices, field_name="unit__kind")

    class Meta:
        model = HelperStaff
        fields = []


class PairingFilter(django_filters.FilterSet):
    household = _household_filter()
    village = village_filter(field_name="household__village", label=VILLAGE)
    helper = IdFilter(label=_("帮扶责任人"), queryset=in_area(HelperStaff))
    active = django_filters.ChoiceFilter(label=_("结对状态（今天是否在结对期内）"), choices=ACTIVE_CHOICES,
                                         method="filter_active")

    class Meta:
        model = Pairing
        fields = []

    def filter_active(self, rows, name, value):
        current = active_assignment_q(timezone.localdate())  # started and not yet ended, as for assignments
        return rows.filter(current) if value == "yes" else rows.exclude(current)


class MeasureFilter(django_filters.FilterSet):
    village = village_filter(field_name="village", label=VILLAGE)
    household = _household_filter()
    category = django_filters.ChoiceFilter(label=_("类别"), choices=MeasureCategory.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Measure.Status.choices)
    planned_from = django_filters.DateFilter(label=_("计划日期自"), field_name="planned_date", lookup_expr="gte")
    planned_to = django_filters.DateFilter(label=_("计划日期至"), field_name="planned_date", lookup_expr="lte")

    class Meta:
        model = Measure
        fields = []


class VisitFilter(django_filters.FilterSet):
    village = village_filter(field_name="village", label=VILLAGE)
    household = _household_filter()
    cadre = IdFilter(label=_("干部"), queryset=in_area(Cadre))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=Visit.Kind.choices)
    date_from = django_filters.DateFilter(label=_("日期自"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("日期至"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Visit
        fields = []
