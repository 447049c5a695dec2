"""Admin for the 建档立卡 registry.

Only administrators use the admin, so resident ID numbers are shown whole here; every other page,
the API and the exports mask them. Changelists select related rows up front (fixed query count).
The import and export buttons of households, members, measures and pairings are added by the imports app
(imports/admin.py), which owns the spreadsheet resources.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Benefit,
    CrossCheckFlag,
    HelperStaff,
    Household,
    HouseholdYear,
    Measure,
    Member,
    Pairing,
    StatusChange,
    Visit,
)

TOWNSHIP_FILTER = "village__township"

HOUSEHOLD_FLAGS = (
    ("is_dibao", _("低保")),
    ("is_wubao", _("五保")),
    ("has_dangerous_house", _("危房")),
    ("is_relocated", _("易地搬迁")),
)


class MemberInline(admin.TabularInline):
    model = Member
    fields = ("name", "id_number", "relation", "sex", "birth_date", "education", "health", "labour",
              "is_student", "phone")
    extra = 0
    show_change_link = True


class HouseholdYearInline(admin.TabularInline):
    model = HouseholdYear
    fields = ("year", "income_per_capita", "assets_per_capita")
    extra = 0
    ordering = ("year",)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fields = ("date", "from_status", "to_status", "note")
    extra = 0
    ordering = ("date", "id")


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = (
        "number", "head_name", "village", "group_no", "status", "primary_cause", "flags", "member_count",
        "identified_year", "exit_year", "is_demo",
    )
    list_display_links = ("number", "head_name")
    list_filter = (
        "status", "primary_cause", Household.county_path, TOWNSHIP_FILTER, "is_dibao", "is_wubao",
        "has_dangerous_house", "is_relocated", "identified_year", "planned_exit_year", "exit_year", "is_demo",
    )
    # A member's name or ID number finds the household too.
    search_fields = ("number", "head_name", "phone", "village__name", "village__code",
                     "members__name", "members__id_number")
    list_select_related = ("village",)
    autocomplete_fields = ("village",)
    ordering = ("village__code", "number")
    fieldsets = (
        (None, {"fields": ("village", "number", "group_no", "head_name", "phone", "is_demo")}),
        (_("致贫原因与意愿"), {"fields": ("primary_cause", "secondary_cause", "aspiration")}),
        (_("状态"), {"fields": ("status", "identified_year", "planned_exit_year", "exit_year")}),
        (_("标识"), {"fields": ("is_dibao", "is_wubao", "has_dangerous_house", "is_relocated")}),
    )
    inlines = (MemberInline, HouseholdYearInline, StatusChangeInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members", distinct=True))

    @admin.display(description=_("标识"))
    def flags(self, obj):
        return "、".join(str(label) for field, label in HOUSEHOLD_FLAGS if getattr(obj, field)) or "—"

    @admin.display(description=_("人口数"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total


@admin.register(HouseholdYear)
class HouseholdYearAdmin(admin.ModelAdmin):
    list_display = ("household", "household__village", "year", "income_per_capita", "assets_per_capita")
    list_filter = ("year", HouseholdYear.county_path)
    search_fields = ("household__number", "household__head_name", "household__village__name")
    list_select_related = ("household__village",)
    autocomplete_fields = ("household",)
    ordering = ("household__village__code", "household__number", "year")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("household", "household__village", "from_status", "to_status", "date", "note")
    list_filter = ("to_status", "from_status", StatusChange.county_path)
    search_fields = ("household__number", "household__head_name", "note")
    list_select_related = ("household__village",)
    autocomplete_fields = ("household",)
    date_hierarchy = "date"
    ordering = ("-date", "-id")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = (
        "name", "id_number", "household", "household__village", "relation", "sex", "birth_date",
        "education", "health", "labour", "is_student",
    )
    list_filter = (
        "relation", "sex", "education", "health", "labour", "is_student",
        Member.county_path, "household__village__township",
    )
    search_fields = ("name", "id_number", "phone", "household__number", "household__head_name")
    list_select_related = ("household__village",)
    autocomplete_fields = ("household",)
    date_hierarchy = "birth_date"
    ordering = ("household__village__code", "household__number", "id")
    fieldsets = (
        (None, {"fields": ("household", "name", "id_number", "relation", "sex", "birth_date", "phone")}),
        (_("文化、健康与劳动力"), {"fields": ("education", "is_student", "health", "labour")}),
    )


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = (
        "title", "category", "status", "village", "household", "responsible", "planned_date",
        "implemented_date", "amount",
    )
    list_filter = ("status", "category", Measure.county_path, TOWNSHIP_FILTER)
    search_fields = (
        "title", "village__name", "village__code", "household__number", "household__head_name",
        "responsible__name", "evidence",
    )
    list_select_related = ("village", "household", "responsible")
    autocomplete_fields = ("village", "household", "responsible")
    date_hierarchy = "planned_date"
    ordering = ("village__code", "planned_date", "id")
    fieldsets = (
        (None, {"fields": ("village", "household", "category", "title", "amount", "responsible")}),
        (_("实施情况"), {"fields": ("status", "planned_date", "implemented_date", "evidence",
                                    "cancel_reason")}),
    )


@admin.register(Benefit)
class BenefitAdmin(admin.ModelAdmin):
    list_display = ("household", "member", "kind", "date", "amount", "expense", "provider", "note")
    list_filter = ("kind", Benefit.county_path, "household__village__township")
    search_fields = ("household__number", "household__head_name", "member__name", "member__id_number",
                     "provider", "note")
    list_select_related = ("household", "member")
    autocomplete_fields = ("household", "member")
    date_hierarchy = "date"
    ordering = ("-date", "id")


@admin.register(HelperStaff)
class HelperStaffAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "unit__kind", "phone", "is_demo")
    list_filter = ("unit__kind", "unit__county", "is_demo")
    search_fields = ("name", "phone", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    ordering = ("unit__name", "name")


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ("household", "household__village", "helper", "start_date", "end_date")
    list_filter = (Pairing.county_path, "helper__unit__kind", ("end_date", admin.EmptyFieldListFilter))
    search_fields = ("household__number", "household__head_name", "helper__name", "helper__unit__name")
    list_select_related = ("household__village", "helper__unit")
    autocomplete_fields = ("household", "helper")
    date_hierarchy = "start_date"
    ordering = ("household__village__code", "household__number", "start_date")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "village", "household", "cadre", "helper", "purpose")
    list_display_links = ("date", "kind")
    list_filter = ("kind", Visit.county_path, TOWNSHIP_FILTER)
    search_fields = ("purpose", "notes", "village__name", "household__number", "household__head_name",
                     "cadre__name", "helper__name")
    list_select_related = ("village", "household", "cadre", "helper__unit")
    autocomplete_fields = ("village", "household", "cadre", "helper")
    date_hierarchy = "date"
    ordering = ("-date", "id")


@admin.register(CrossCheckFlag)
class CrossCheckFlagAdmin(admin.ModelAdmin):
    list_display = ("household", "household__village", "source", "label", "list_date", "status", "decided_by",
                    "decided_at")
    list_filter = ("status", "source", "label", "list_date", CrossCheckFlag.county_path)
    search_fields = ("household__number", "household__head_name", "source", "label", "matched_ids",
                     "decision_note")
    list_select_related = ("household__village", "decided_by")
    autocomplete_fields = ("household",)
    # A flag is decided on the staff page (imports:flag), which records who decided and when.
    readonly_fields = ("status", "decision_note", "created_at", "created_by", "decided_by", "decided_at")
    date_hierarchy = "list_date"
    ordering = ("-list_date", "household__village__code", "household__number")
