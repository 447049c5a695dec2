"""Admin for areas, collective economy, needs, policies, projects, funds and report figures.

The admin is for administrators (code lists, corrections); clerks use the site's own pages.
Every changelist selects its related rows up front so that it makes a fixed number of queries.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import (
    CollectiveEconomy,
    County,
    DashboardSnapshot,
    FundAllocation,
    FundSource,
    GateTransition,
    PolicyDocument,
    Project,
    ReportFigure,
    Township,
    UserArea,
    Village,
    VillageNeed,
)

COUNTY_FILTER = "township__county"


class TownshipInline(admin.TabularInline):
    model = Township
    fields = ("name", "kind", "latitude", "longitude")
    extra = 0
    show_change_link = True


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "prefecture", "province", "latitude", "longitude")
    list_display_links = ("code", "name")
    list_filter = ("prefecture", "province")
    search_fields = ("code", "name", "prefecture")
    ordering = ("code",)
    inlines = (TownshipInline,)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county", "latitude", "longitude")
    list_filter = ("county", "kind")
    search_fields = ("name", "county__name", "county__code")
    list_select_related = ("county",)
    ordering = ("county__code", "name")


class CollectiveEconomyInline(admin.TabularInline):
    model = CollectiveEconomy
    fields = ("year", "income", "accumulated_assets", "mutual_aid_fund")
    extra = 0
    ordering = ("year",)


class VillageNeedInline(admin.TabularInline):
    model = VillageNeed
    fields = ("category", "description", "resolved")
    extra = 0


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = (
        "code", "name", "township", "township__county", "is_poor", "population", "group_count",
        "planned_exit_year", "exit_year", "is_demo",
    )
    list_display_links = ("code", "name")
    list_filter = (COUNTY_FILTER, "township", "is_poor", "planned_exit_year", "exit_year", "is_demo")
    search_fields = ("code", "name", "township__name")
    list_select_related = ("township__county",)
    autocomplete_fields = ("township",)
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("township", "code", "name", "is_poor", "is_demo")}),
        (_("人口与组别"), {"fields": ("population", "group_count")}),
        (_("摘帽"), {"fields": ("planned_exit_year", "exit_year")}),
        (_("位置"), {"fields": ("latitude", "longitude")}),
    )
    inlines = (CollectiveEconomyInline, VillageNeedInline)


@admin.register(CollectiveEconomy)
class CollectiveEconomyAdmin(admin.ModelAdmin):
    list_display = ("village", "year", "income", "accumulated_assets", "mutual_aid_fund", "is_shell")
    list_filter = ("year", CollectiveEconomy.county_path, "village__township")
    search_fields = ("village__name", "village__code")
    list_select_related = ("village",)
    autocomplete_fields = ("village",)
    ordering = ("village__code", "year")

    @admin.display(description=_("空壳村"), boolean=True, ordering="income")
    def is_shell(self, obj):
        """空壳村: no collective income that year."""
        return not obj.income


@admin.register(VillageNeed)
class VillageNeedAdmin(admin.ModelAdmin):
    list_display = ("village", "category", "description", "resolved")
    list_filter = ("category", "resolved", VillageNeed.county_path, "village__township")
    search_fields = ("village__name", "village__code", "description")
    list_select_related = ("village",)
    autocomplete_fields = ("village",)
    ordering = ("village__code", "category")


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "year", "county", "is_demo")
    list_filter = ("county", "kind", "year", "is_demo")
    search_fields = ("title",)
    list_select_related = ("county",)
    ordering = ("county__code", "kind", "title")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = (
        "name", "category", "programme", "department", "year", "budget", "progress", "status",
        "county", "village", "is_demo",
    )
    list_filter = ("status", "category", "programme", "year", "county", "village__township", "is_demo")
    search_fields = ("name", "department", "village__name", "village__code")
    list_select_related = ("county", "village")
    autocomplete_fields = ("county", "village")
    ordering = ("county__code", "year", "name")
    fieldsets = (
        (None, {"fields": ("county", "village", "name", "category", "programme", "department", "is_demo")}),
        (_("预算与进度"), {"fields": ("year", "budget", "progress", "status")}),
    )


@admin.register(FundSource)
class FundSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "purpose", "provider", "year", "amount", "county", "is_demo")
    list_filter = ("county", "kind", "purpose", "year", "is_demo")
    search_fields = ("name", "provider")
    list_select_related = ("county",)
    ordering = ("county__code", "year", "kind")


class GateTransitionInline(admin.TabularInline):
    """Transitions are recorded by the gate service; the admin only shows them."""

    model = GateTransition
    fields = ("gate", "actor_name", "actor", "at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("gate",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetKindFilter(admin.SimpleListFilter):
    title = _("分配对象")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return (("project", _("项目")), ("village", _("行政村")), ("household", _("贫困户")))

    def queryset(self, request, queryset):
        if self.value() in ("project", "village", "household"):
            return queryset.filter(Q(**{f"{self.value()}__isnull": False}))
        return queryset


@admin.register(FundAllocation)
class FundAllocationAdmin(admin.ModelAdmin):
    list_display = ("id", "source", "target_kind", "target", "amount", "gate", "note")
    list_display_links = ("id", "source")
    list_filter = ("gate", TargetKindFilter, "source__kind", "source__year", "source__county")
    search_fields = (
        "source__name", "project__name", "village__name", "village__code",
        "household__number", "household__head_name", "note",
    )
    list_select_related = ("source", "project", "village", "household")
    autocomplete_fields = ("source", "project", "village", "household")
    # The current gate moves only through the gate service, which records each transition.
    readonly_fields = ("gate",)
    ordering = ("source", "id")
    inlines = (GateTransitionInline,)

    @admin.display(description=_("分配对象类别"))
    def target_kind(self, obj):
        if obj.project_id:
            return _("项目")
        if obj.village_id:
            return _("行政村")
        return _("贫困户")

    @admin.display(description=_("分配对象"))
    def target(self, obj):
        return obj.target


@admin.register(GateTransition)
class GateTransitionAdmin(admin.ModelAdmin):
    """Read-only: transitions are recorded by the gate service."""

    list_display = ("allocation", "gate", "actor_name", "actor", "at", "note")
    list_filter = ("gate", "allocation__source__county", "allocation__source__year")
    search_fields = ("actor_name", "note", "allocation__source__name")
    list_select_related = (
        "actor", "allocation__source", "allocation__project", "allocation__village", "allocation__household",
    )
    date_hierarchy = "at"
    ordering = ("-at",)
    readonly_fields = ("allocation", "gate", "actor", "actor_name", "at", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportFigure)
class ReportFigureAdmin(admin.ModelAdmin):
    list_display = ("label", "value", "unit", "comparison", "county", "report_file", "order", "key")
    list_filter = ("county", "comparison", "report_file")
    search_fields = ("key", "label", "source_sentence", "report_file")
    list_select_related = ("county",)
    ordering = ("county__code", "order")


@admin.register(UserArea)
class UserAreaAdmin(admin.ModelAdmin):
    list_display = ("user", "county", "prefecture")
    list_filter = ("county", "prefecture")
    search_fields = ("user__username", "prefecture", "county__name")
    autocomplete_fields = ("user", "county")
    list_select_related = ("user", "county")


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    """Read-only: written by dashboards.snapshots. Deleting one only makes the next read recompute it."""

    list_display = ("kind", "area_id", "county", "version", "computed_version", "computed_at")
    list_filter = ("kind", "county")
    list_select_related = ("county",)
    search_fields = ("county__name", "county__code")
    ordering = ("county", "kind", "area_id")
    readonly_fields = ("kind", "area_id", "county", "version", "computed_version", "computed_at", "data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
