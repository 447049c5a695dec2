"""Admin for units, cadres, assignments, trainings, promotions, attendance and reports."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

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

CADRE_COUNTY_FILTER = "cadre__county"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county", "is_demo")
    list_filter = ("county", "kind", "is_demo")
    search_fields = ("name",)
    list_select_related = ("county",)
    ordering = ("county__code", "kind", "name")


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("village", "role", "start_date", "end_date")
    autocomplete_fields = ("village",)
    extra = 0
    ordering = ("-start_date",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("village")


class PromotionInline(admin.TabularInline):
    model = Promotion
    fields = ("date", "from_post", "to_post", "note")
    extra = 0


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ("name", "post", "unit", "county", "phone", "user", "is_demo")
    list_filter = ("county", "unit__kind", "assignments__role", "is_demo")
    search_fields = ("name", "post", "phone", "unit__name", "user__username")
    list_select_related = ("county", "unit", "user")
    autocomplete_fields = ("county", "unit", "user")
    ordering = ("county__code", "name")
    inlines = (AssignmentInline, PromotionInline)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("cadre", "role", "village", "village__township", "start_date", "end_date")
    list_filter = ("role", Assignment.county_path, "village__township",
                   ("end_date", admin.EmptyFieldListFilter))
    search_fields = ("cadre__name", "village__name", "village__code")
    list_select_related = ("cadre", "village__township")
    autocomplete_fields = ("cadre", "village")
    date_hierarchy = "start_date"
    ordering = ("village__code", "role", "start_date")


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    fields = ("cadre",)
    autocomplete_fields = ("cadre",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cadre")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "start_date", "days", "location", "attendee_count", "county", "is_demo")
    list_filter = ("county", "kind", "is_demo")
    search_fields = ("title", "location")
    list_select_related = ("county",)
    date_hierarchy = "start_date"
    ordering = ("county__code", "-start_date")
    inlines = (TrainingAttendanceInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attendee_total=Count("attendances"))

    @admin.display(description=_("参训人数"), ordering="attendee_total")
    def attendee_count(self, obj):
        return obj.attendee_total


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(admin.ModelAdmin):
    list_display = ("cadre", "training", "training__kind", "training__start_date")
    list_filter = ("training__kind", "training__county")
    search_fields = ("cadre__name", "training__title")
    list_select_related = ("cadre", "training")
    autocomplete_fields = ("training", "cadre")
    ordering = ("-training__start_date", "cadre__name")


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ("cadre", "date", "from_post", "to_post", "note")
    list_filter = (CADRE_COUNTY_FILTER,)
    search_fields = ("cadre__name", "from_post", "to_post")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)
    date_hierarchy = "date"
    ordering = ("-date",)


@admin.register(AttendanceReport)
class AttendanceReportAdmin(admin.ModelAdmin):
    list_display = (
        "cadre", "month_display", "required_days", "days_present", "leave_days", "reported_outings",
        "unreported_absences", "submitted_at", "locked",
    )
    list_filter = ("locked", CADRE_COUNTY_FILTER, "cadre__unit")
    search_fields = ("cadre__name",)
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)
    date_hierarchy = "month"
    ordering = ("-month", "cadre__name")
    fieldsets = (
        (None, {"fields": ("cadre", "month", "submitted_at", "locked")}),
        (_("驻村天数"), {"fields": ("required_days", "days_present", "leave_days", "reported_outings",
                                    "unreported_absences")}),
    )

    @admin.display(description=_("月份"), ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%Y-%m}"


@admin.register(AnnualCommitment)
class AnnualCommitmentAdmin(admin.ModelAdmin):
    list_display = ("cadre", "year", "submitted_at")
    list_filter = ("year", CADRE_COUNTY_FILTER)
    search_fields = ("cadre__name", "content")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)
    ordering = ("-year", "cadre__name")


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(admin.ModelAdmin):
    list_display = ("cadre", "year", "quarter", "submitted_at")
    list_filter = ("year", "quarter", CADRE_COUNTY_FILTER)
    search_fields = ("cadre__name", "content")
    list_select_related = ("cadre",)
    autocomplete_fields = ("cadre",)
    ordering = ("-year", "-quarter", "cadre__name")
