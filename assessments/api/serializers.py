"""Serializers of the 331 assessment API: periods, scorecards and the four kinds of scoring inputs.

Writes validate the body here (types, ranges, choices, ids in the user's area) and are stored by
assessments.services, which checks the rest (the period's cadres, a closed period, uniqueness) as for the site.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadres.models import Assignment, Cadre
from povertyboard.access import access_of

from ..models import AssessmentPeriod, BonusItem, DutyRating, Grade, SatisfactionSurvey, Scorecard, Veto


def _access(serializer):
    return access_of(serializer.context["request"].user)


class PeriodSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True, help_text=_("县（市）的行政区划代码"))
    county_name = serializers.CharField(source="county.name", read_only=True, help_text=_("县（市）名称"))

    class Meta:
        model = AssessmentPeriod
        fields = ["id", "county", "county_code", "county_name", "name", "kind", "start_date", "end_date",
                  "weight_attendance", "weight_duty", "weight_satisfaction", "bonus_cap", "absence_deduction",
                  "required_days_per_month", "basic_satisfied_factor", "threshold_excellent",
                  "threshold_competent", "threshold_basic", "closed"]
        read_only_fields = ["closed"]
        validators = []  # (county, name) is checked by services.create_period, as a field error on name
        # The limits of the model's check constraints, so that a value out of range is an error on its field.
        extra_kwargs = {
            "county": {"help_text": _("县（市）的 id；只能是本人所辖的县（市）。")},
            "weight_attendance": {"max_value": 10},
            "weight_duty": {"max_value": 10},
            "weight_satisfaction": {"max_value": 10},
            "bonus_cap": {"min_value": 0},
            "absence_deduction": {"min_value": 0},
            "required_days_per_month": {"min_value": 1, "max_value": 31},
            "basic_satisfied_factor": {"min_value": 0, "max_value": 1},
            "threshold_excellent": {"min_value": 0, "max_value": 100},
            "threshold_competent": {"min_value": 0, "max_value": 100},
            "threshold_basic": {"min_value": 0, "max_value": 100},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            self.fields["county"].queryset = _access(self).counties()


class PeriodInputSerializer(serializers.ModelSerializer):
    """The fields every scoring input shares; period and cadre are limited to the user's counties."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True, help_text=_("干部姓名"))
    COMMON_FIELDS = ["id", "period", "cadre", "cadre_name"]

    class Meta:
        validators = []  # uniqueness is checked by services.save_input, as a field error
        extra_kwargs = {
            "period": {"help_text": _("考核期的 id；创建后不能更改。")},
            "cadre": {"help_text": _("干部的 id；须是本考核期内在该县驻村的干部。")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            access = _access(self)
            if not self.fields["period"].read_only:
                self.fields["period"].queryset = access.restrict(AssessmentPeriod.objects.all())
            self.fields["cadre"].queryset = access.restrict(Cadre.objects.all())


class DutyRatingSerializer(PeriodInputSerializer):
    class Meta(PeriodInputSerializer.Meta):
        model = DutyRating
        fields = [*PeriodInputSerializer.COMMON_FIELDS, "score", "rater", "rater_name", "comment"]
        read_only_fields = ["rater"]
        extra_kwargs = {**PeriodInputSerializer.Meta.extra_kwargs,
                        "rater": {"help_text": _("录入评分的用户 id（保存时自动记为当前用户）")}}


class SurveySerializer(PeriodInputSerializer):
    class Meta(PeriodInputSerializer.Meta):
        model = SatisfactionSurvey
        fields = [*PeriodInputSerializer.COMMON_FIELDS, "group", "satisfied", "basically_satisfied", "unsatisfied"]


class BonusItemSerializer(PeriodInputSerializer):
    class Meta(PeriodInputSerializer.Meta):
        model = BonusItem
        fields = [*PeriodInputSerializer.COMMON_FIELDS, "kind", "level", "points", "note"]


class VetoSerializer(PeriodInputSerializer):
    class Meta(PeriodInputSerializer.Meta):
        model = Veto
        fields = [*PeriodInputSerializer.COMMON_FIELDS, "reason"]


# The serializers of a change (PATCH): the same fields, the period fixed.
class DutyRatingUpdateSerializer(DutyRatingSerializer):
    class Meta(DutyRatingSerializer.Meta):
        read_only_fields = ["period", "rater"]


class SurveyUpdateSerializer(SurveySerializer):
    class Meta(SurveySerializer.Meta):
        read_only_fields = ["period"]


class BonusItemUpdateSerializer(BonusItemSerializer):
    class Meta(BonusItemSerializer.Meta):
        read_only_fields = ["period"]


class VetoUpdateSerializer(VetoSerializer):
    class Meta(VetoSerializer.Meta):
        read_only_fields = ["period"]


class ScorecardSerializer(serializers.ModelSerializer):
    """A row of assessments.selectors.scorecards(period): the scores and the cadre's latest resident post."""

    cadre_name = serializers.CharField(source="cadre.name", read_only=True, help_text=_("干部姓名"))
    unit = serializers.IntegerField(source="cadre.unit_id", read_only=True, allow_null=True,
                                    help_text=_("派出单位的 id"))
    unit_name = serializers.CharField(source="cadre.unit.name", read_only=True, allow_null=True,
                                      help_text=_("派出单位名称"))
    village_code = serializers.CharField(read_only=True, allow_null=True, help_text=_("驻村的行政村代码"))
    village_name = serializers.CharField(read_only=True, allow_null=True, help_text=_("驻村的行政村名称"))
    role = serializers.ChoiceField(choices=Assignment.Role.choices, read_only=True, allow_null=True,
                                   help_text=_("驻村角色"))
    veto_reason = serializers.CharField(read_only=True, allow_null=True,
                                        help_text=_("一票否决的原因；没有否决时为 null"))
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, read_only=True,
                                    help_text=_("等次；数据不全且未被否决时为空字符串"))

    class Meta:
        model = Scorecard
        fields = ["id", "period", "cadre", "cadre_name", "unit", "unit_name", "village_code", "village_name",
                  "role", "attendance", "duty", "satisfaction", "bonus", "total", "grade", "rank", "unit_rank",
                  "incomplete", "missing", "veto_reason", "computed_at"]
        read_only_fields = fields


class ScoredSerializer(serializers.Serializer):
    scored = serializers.IntegerField(help_text=_("已计算记分卡的干部人数"))
