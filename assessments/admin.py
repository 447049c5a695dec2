"""Admin for the 331 assessment: periods and their rules, inputs, and (read-only) scorecards.

A period owns many inputs (ratings, surveys, bonus items, vetoes, scorecards); they can be large,
so the period page links to each input's changelist filtered by the period instead of inlining them.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Scorecard, Veto

RULE_FIELDS = (
    "weight_attendance", "weight_duty", "weight_satisfaction",
    "required_days_per_month", "absence_deduction",
    "basic_satisfied_factor", "bonus_cap",
    "threshold_excellent", "threshold_competent", "threshold_basic",
)

# (model, label) of the inputs linked from a period, in the order the scorecard uses them.
PERIOD_INPUTS = (
    (DutyRating, _("履职评分")),
    (SatisfactionSurvey, _("满意度测评")),
    (BonusItem, _("加分项")),
    (Veto, _("一票否决")),
    (Scorecard, _("记分卡")),
)


class PeriodListFilter(admin.RelatedFieldListFilter):
    """Filter by period; the choices load their counties in the same query (a period's name shows it)."""

    def field_choices(self, field, request, model_admin):
        periods = AssessmentPeriod.objects.select_related("county").order_by("county__code", "-start_date")
        return [(period.pk, str(period)) for period in periods]


PERIOD_FILTER = ("period", PeriodListFilter)
PERIOD_COUNTY_FILTER = "period__county"


def period_filtered_url(model, period_pk):
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?period__id__exact={period_pk}"


@admin.register(AssessmentPeriod)
class AssessmentPeriodAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "kind", "start_date", "end_date", "weights", "closed", "input_links")
    list_filter = ("county", "kind", "closed")
    search_fields = ("name", "county__name")
    list_select_related = ("county",)
    autocomplete_fields = ("county",)
    date_hierarchy = "start_date"
    ordering = ("county__code", "-start_date")
    fieldsets = (
        (None, {"fields": ("county", "name", "kind", "start_date", "end_date", "closed", "input_links")}),
        (_("权重"), {
            "fields": ("weight_attendance", "weight_duty", "weight_satisfaction"),
            "description": _("考勤 : 履职 : 满意度，三项之和为10份（默认 3:3:4）。"),
        }),
        (_("考勤"), {"fields": ("required_days_per_month", "absence_deduction")}),
        (_("满意度与加分"), {"fields": ("basic_satisfied_factor", "bonus_cap")}),
        (_("分数线"), {
            "fields": ("threshold_excellent", "threshold_competent", "threshold_basic"),
            "description": _("低于基本称职分数线为不称职；一票否决者不论总分均为不称职。"),
        }),
    )

    def get_readonly_fields(self, request, obj=None):
        # The rules are frozen once the period is closed.
        if obj is not None and obj.closed:
            return ("input_links", *RULE_FIELDS)
        return ("input_links",)

    @admin.display(description=_("权重（考勤:履职:满意度）"))
    def weights(self, obj):
        return f"{obj.weight_attendance}:{obj.weight_duty}:{obj.weight_satisfaction}"

    @admin.display(description=_("考核数据"))
    def input_links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html_join(
            " | ", '<a href="{}">{}</a>',
            ((period_filtered_url(model, obj.pk), label) for model, label in PERIOD_INPUTS),
        )


class PeriodInputAdmin(admin.ModelAdmin):
    """Shared set-up of the inputs of a period, each entered per cadre."""

    list_filter = (PERIOD_FILTER, PERIOD_COUNTY_FILTER)
    search_fields = ("cadre__name", "cadre__unit__name")
    list_select_related = ("period__county", "cadre")
    autocomplete_fields = ("period", "cadre")
    ordering = ("period__county__code", "-period__start_date", "cadre__name")


@admin.register(DutyRating)
class DutyRatingAdmin(PeriodInputAdmin):
    list_display = ("cadre", "period", "score", "rater_name")
    search_fields = ("cadre__name", "cadre__unit__name", "rater_name", "comment")
    autocomplete_fields = ("period", "cadre", "rater")


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(PeriodInputAdmin):
    list_display = (
        "cadre", "period", "group", "satisfied", "basically_satisfied", "unsatisfied", "responses",
    )
    list_filter = (PERIOD_FILTER, "group", PERIOD_COUNTY_FILTER)

    @admin.display(description=_("有效票数"))
    def responses(self, obj):
        return obj.satisfied + obj.basically_satisfied + obj.unsatisfied


@admin.register(BonusItem)
class BonusItemAdmin(PeriodInputAdmin):
    list_display = ("cadre", "period", "kind", "level", "points", "note")
    list_filter = (PERIOD_FILTER, "kind", "level", PERIOD_COUNTY_FILTER)
    search_fields = ("cadre__name", "cadre__unit__name", "note")


@admin.register(Veto)
class VetoAdmin(PeriodInputAdmin):
    list_display = ("cadre", "period", "reason")
    search_fields = ("cadre__name", "cadre__unit__name", "reason")


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    """Scorecards are computed by the scoring service: the admin shows them and never edits a number."""

    list_display = (
        "cadre", "cadre__unit", "period", "attendance", "duty", "satisfaction", "bonus", "total", "grade",
        "rank", "unit_rank", "incomplete", "computed_at",
    )
    list_filter = (PERIOD_FILTER, "grade", "incomplete", PERIOD_COUNTY_FILTER, "cadre__unit")
    search_fields = ("cadre__name", "cadre__unit__name")
    list_select_related = ("period__county", "cadre__unit")
    ordering = ("period__county__code", "-period__start_date", "rank")
    fieldsets = (
        (None, {"fields": ("period", "cadre", "computed_at")}),
        (_("得分"), {"fields": ("attendance", "duty", "satisfaction", "bonus", "total", "grade")}),
        (_("排名"), {"fields": ("rank", "unit_rank")}),
        (_("数据完整性"), {"fields": ("incomplete", "missing")}),
    )
    readonly_fields = (
        "period", "cadre", "computed_at", "attendance", "duty", "satisfaction", "bonus", "total", "grade",
        "rank", "unit_rank", "incomplete", "missing",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
