"""Serializers of the cadres API: read rows, and the input of the cadres' own reports (written by services)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from povertyboard.api.base import PhoneField

from ..models import (
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

DAYS = {"min_value": 0, "max_value": 31}


def county_code():
    return serializers.CharField(source="county.code", read_only=True, help_text=_("县（市）行政区划代码"))


def cadre_name():
    return serializers.CharField(source="cadre.name", read_only=True, help_text=_("干部姓名"))


class CurrentAssignmentSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True, help_text=_("行政村代码"))
    village_name = serializers.CharField(source="village.name", read_only=True, help_text=_("行政村名称"))

    class Meta:
        model = Assignment
        fields = ["id", "village", "village_name", "role", "start_date", "end_date"]
        read_only_fields = fields


class CadreSerializer(serializers.ModelSerializer):
    county = county_code()
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True,
                                      help_text=_("派出单位名称"))
    phone = PhoneField()
    current_assignments = CurrentAssignmentSerializer(many=True, read_only=True,
                                                      help_text=_("今天在任的驻村任职"))

    class Meta:
        model = Cadre
        fields = ["id", "name", "county", "unit", "unit_name", "post", "phone", "is_demo", "current_assignments"]
        read_only_fields = fields


class UnitSerializer(serializers.ModelSerializer):
    county = county_code()
    cadre_count = serializers.IntegerField(read_only=True, help_text=_("本单位派出的干部人数"))

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "county", "is_demo", "cadre_count"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    cadre_name = cadre_name()
    village = serializers.CharField(source="village.code", read_only=True, help_text=_("行政村代码"))
    village_name = serializers.CharField(source="village.name", read_only=True, help_text=_("行政村名称"))
    is_current = serializers.BooleanField(read_only=True, help_text=_("今天是否在任"))

    class Meta:
        model = Assignment
        fields = ["id", "cadre", "cadre_name", "village", "village_name", "role", "start_date", "end_date",
                  "is_current"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    county = county_code()
    attendee_count = serializers.IntegerField(read_only=True, help_text=_("参训人数"))

    class Meta:
        model = Training
        fields = ["id", "county", "title", "kind", "start_date", "days", "location", "is_demo", "attendee_count"]
        read_only_fields = fields


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    training_title = serializers.CharField(source="training.title", read_only=True, help_text=_("培训名称"))
    training_start_date = serializers.DateField(source="training.start_date", read_only=True,
                                                help_text=_("培训日期"))
    cadre_name = cadre_name()

    class Meta:
        model = TrainingAttendance
        fields = ["id", "training", "training_title", "training_start_date", "cadre", "cadre_name"]
        read_only_fields = fields


class PromotionSerializer(serializers.ModelSerializer):
    cadre_name = cadre_name()

    class Meta:
        model = Promotion
        fields = ["id", "cadre", "cadre_name", "date", "from_post", "to_post", "note"]
        read_only_fields = fields


class AttendanceReportSerializer(serializers.ModelSerializer):
    cadre_name = cadre_name()
    month = serializers.DateField(read_only=True, help_text=_("月份（当月 1 日）"))

    class Meta:
        model = AttendanceReport
        fields = ["id", "cadre", "cadre_name", "month", "required_days", "days_present", "leave_days",
                  "reported_outings", "unreported_absences", "submitted_at", "locked"]
        read_only_fields = fields


class MonthField(serializers.DateField):
    """A month as YYYY-MM (or any day of it as YYYY-MM-DD), stored as its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m", "iso-8601"])
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        return super().to_internal_value(value).replace(day=1)


class AttendanceReportWriteSerializer(serializers.Serializer):
    """A monthly report filed by the cadre themself; the service checks the month, the totals and the lock."""

    month = MonthField(help_text=_("月份：YYYY-MM 或该月任一天 YYYY-MM-DD；不能是未来月份，每月一份"))
    days_present = serializers.IntegerField(**DAYS, help_text=_("实际驻村天数；与请假、外出、离岗合计不超过当月天数"))
    leave_days = serializers.IntegerField(**DAYS, default=0, help_text=_("请假天数"))
    reported_outings = serializers.IntegerField(**DAYS, default=0, help_text=_("报备外出天数"))
    unreported_absences = serializers.IntegerField(**DAYS, default=0, help_text=_("未报备离岗天数"))


class CommitmentSerializer(serializers.ModelSerializer):
    cadre_name = cadre_name()

    class Meta:
        model = AnnualCommitment
        fields = ["id", "cadre", "cadre_name", "year", "content", "submitted_at"]
        read_only_fields = fields


class CommitmentWriteSerializer(serializers.Serializer):
    """The cadre's own commitment for a year: created, or replaced if that year's exists."""

    year = serializers.IntegerField(min_value=0, max_value=9999, help_text=_("年度（2000 至明年）"))
    content = serializers.CharField(help_text=_("承诺内容"))


class QuarterlyReportSerializer(serializers.ModelSerializer):
    cadre_name = cadre_name()

    class Meta:
        model = QuarterlyReport
        fields = ["id", "cadre", "cadre_name", "year", "quarter", "content", "submitted_at"]
        read_only_fields = fields


class QuarterlyReportWriteSerializer(CommitmentWriteSerializer):
    """The cadre's own report for a quarter that has begun: created, or replaced if it exists."""

    quarter = serializers.IntegerField(min_value=1, max_value=4, help_text=_("季度（1–4）"))
    content = serializers.CharField(help_text=_("报告内容"))
