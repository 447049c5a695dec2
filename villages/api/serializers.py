"""Serializers of the villages API: areas, projects, funds and gates."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from villages.models import County, FundAllocation, FundSource, Gate, GateTransition, Project, Township, Village


def label(source: str, text) -> serializers.CharField:
    """The shown label of a choice field (e.g. get_status_display)."""
    return serializers.CharField(source=source, read_only=True, help_text=text)


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ("id", "code", "name", "prefecture", "province", "latitude", "longitude")


class TownshipSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True, help_text=_("所属县（市）代码。"))
    county_name = serializers.CharField(source="county.name", read_only=True, help_text=_("所属县（市）名称。"))
    kind_label = label("get_kind_display", _("类别名称。"))

    class Meta:
        model = Township
        fields = ("id", "county_code", "county_name", "name", "kind", "kind_label", "latitude", "longitude")


class VillageSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True, help_text=_("所属乡镇（街道）。"))
    county_code = serializers.CharField(source="county.code", read_only=True,
                                        help_text=_("所属县（市）代码。"))
    county_name = serializers.CharField(source="county.name", read_only=True,
                                        help_text=_("所属县（市）名称。"))
    exited = serializers.SerializerMethodField(help_text=_("是否已摘帽（有摘帽年度）。"))

    class Meta:
        model = Village
        fields = ("id", "code", "name", "township", "township_name", "county_code", "county_name", "is_poor",
                  "population", "group_count", "latitude", "longitude", "planned_exit_year", "exit_year", "exited",
                  "is_demo")
        extra_kwargs = {
            "is_poor": {"help_text": _("是否贫困村。is_demo 为真的村，其是否贫困村、人口和位置是演示数据。")},
        }

    def get_exited(self, village) -> bool:
        return village.exit_year is not None


# ------------------------------------------------------------------ projects, funds, gates


class ProjectSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True, help_text=_("所属县（市）代码。"))
    village_code = serializers.CharField(source="village.code", read_only=True, allow_null=True,
                                         help_text=_("所在行政村代码（县级项目为空）。"))
    village_name = serializers.CharField(source="village.name", read_only=True, allow_null=True,
                                         help_text=_("所在行政村（县级项目为空）。"))
    category_label = label("get_category_display", _("类别名称。"))
    programme_label = label("get_programme_display", _("渠道名称。"))
    status_label = label("get_status_display", _("状态名称。"))

    class Meta:
        model = Project
        fields = ("id", "county_code", "village", "village_code", "village_name", "name", "category",
                  "category_label", "programme", "programme_label", "department", "year", "budget", "progress",
                  "status", "status_label", "is_demo")


class FundSourceSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True, help_text=_("所属县（市）代码。"))
    kind_label = label("get_kind_display", _("来源名称。"))
    purpose_label = label("get_purpose_display", _("用途名称。"))
    allocated = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True,
                                         help_text=_("已分配到项目、村、户的金额合计（元）。"))

    class Meta:
        model = FundSource
        fields = ("id", "county_code", "kind", "kind_label", "purpose", "purpose_label", "name", "provider", "year",
                  "amount", "allocated", "is_demo")


class GateTransitionSerializer(serializers.ModelSerializer):
    gate_label = label("get_gate_display", _("关口名称。"))

    class Meta:
        model = GateTransition
        fields = ("id", "allocation", "gate", "gate_label", "actor_name", "at", "note")


class AllocationSerializer(serializers.ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True, help_text=_("资金来源名称。"))
    source_kind = serializers.ChoiceField(source="source.kind", choices=FundSource.Kind.choices, read_only=True,
                                          help_text=_("资金来源类别。"))
    county_code = serializers.CharField(source="source.county.code", read_only=True,
                                        help_text=_("资金来源所属县（市）代码。"))
    target_kind = serializers.SerializerMethodField(
        help_text=_("分配对象：project 项目、village 行政村、household 贫困户。"))
    target_name = serializers.SerializerMethodField(help_text=_("分配对象：项目名称、行政村名称或户编号。"))
    gate_label = label("get_gate_display", _("当前关口名称。"))
    is_disbursed = serializers.BooleanField(read_only=True, help_text=_("是否已过“发放”关口。"))
    transitions = GateTransitionSerializer(many=True, read_only=True, help_text=_("已通过的关口，按关口顺序。"))

    class Meta:
        model = FundAllocation
        fields = ("id", "source", "source_name", "source_kind", "county_code", "target_kind", "project", "village",
                  "household", "target_name", "amount", "gate", "gate_label", "is_disbursed", "note", "transitions")

    @extend_schema_field({"type": "string", "enum": ["project", "village", "household"]})
    def get_target_kind(self, allocation) -> str:
        return "project" if allocation.project_id else "village" if allocation.village_id else "household"

    def get_target_name(self, allocation) -> str:
        if allocation.project_id:
            return allocation.project.name
        if allocation.village_id:
            return allocation.village.name
        return allocation.household.number


class AdvanceSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Gate.choices, help_text=_("要进入的关口，只能是当前关口的下一道。"))
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="",
                                 help_text=_("说明（可空）。"))
