"""Serializers of the households API.

Reads: the registry as the site shows it (resident IDs masked for all but administrators; phone numbers are
not exposed, as on the pages). Writes: input serializers that only check the shape of the input and offer the
rows the user may write (another village's or household's id is a 400 on its field); the rules themselves
live in households.services, which the views call as the site's forms do.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Unit
from povertyboard.access import access_of
from povertyboard.api.base import BirthDateField, ResidentIdField
from villages.models import Village

from .. import services
from ..filters import FLAG_CHOICES, FLAGS
from ..models import (
    Aspiration,
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

MAX_VERSION = 2_147_483_647  # the largest value every supported database holds in the version column
VILLAGE_CODE = _("行政村的村代码。")
VILLAGE_NAME = _("行政村名称。")


def _village_code(source="village.code"):
    return serializers.CharField(source=source, read_only=True, help_text=VILLAGE_CODE)


def _village_name(source="village.name"):
    return serializers.CharField(source=source, read_only=True, help_text=VILLAGE_NAME)


# ------------------------------------------------------------------------------------------ households


class HouseholdSerializer(serializers.ModelSerializer):
    """A row of the household list, with the list page's figures."""

    village = _village_code()
    village_name = _village_name()
    township_name = serializers.CharField(source="village.township.name", read_only=True,
                                          help_text=_("乡镇（街道）名称。"))
    # Declared because read_only_fields would drop allow_blank, and the schema would then refuse "".
    secondary_cause = serializers.ChoiceField(choices=PovertyCause.choices, allow_blank=True, read_only=True,
                                              help_text=_("次要致贫原因；无则为空字符串。"))
    flags = serializers.SerializerMethodField(help_text=_("户属性：低保户、五保户、危房户、易地搬迁户。"))
    member_count = serializers.IntegerField(read_only=True, help_text=_("家庭人口数。"))
    helper_count = serializers.IntegerField(read_only=True, help_text=_("结对帮扶责任人数（结对记录数）。"))
    latest_income = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True,
                                             help_text=_("最新年度人均纯收入（元）；无收入记录时为空。"))
    latest_income_year = serializers.IntegerField(read_only=True, allow_null=True,
                                                  help_text=_("最新人均纯收入的年度；无收入记录时为空。"))

    class Meta:
        model = Household
        fields = ["id", "number", "village", "village_name", "township_name", "group_no", "head_name",
                  "primary_cause", "secondary_cause", "status", "identified_year", "planned_exit_year",
                  "exit_year", "flags", "member_count", "helper_count", "latest_income", "latest_income_year",
                  "is_demo"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FLAG_CHOICES)))
    def get_flags(self, household) -> list[str]:
        return [key for key, _label in FLAG_CHOICES if getattr(household, FLAGS[key])]

    def to_representation(self, h):
        """The fields above, written out: through DRF's field machinery (the fields built from the model for each
        request, then looked up and converted one by one) a 50-row page cost several times as much
        (bench/HISTORY.md, "second machine"). tests/api/test_households_api.py checks it equals DRF's own
        representation (the detail's, below)."""
        village = h.village
        income = h.latest_income
        return {
            "id": h.id, "number": h.number, "village": village.code, "village_name": village.name,
            "township_name": village.township.name, "group_no": h.group_no, "head_name": h.head_name,
            "primary_cause": h.primary_cause, "secondary_cause": h.secondary_cause, "status": h.status,
            "identified_year": h.identified_year, "planned_exit_year": h.planned_exit_year,
            "exit_year": h.exit_year, "flags": self.get_flags(h), "member_count": h.member_count,
            "helper_count": h.helper_count,
            "latest_income": None if income is None else INCOME.to_representation(income),
            "latest_income_year": h.latest_income_year, "is_demo": h.is_demo,
        }


# The declared field, unbound: it converts the written-out row's income exactly as DRF would.
INCOME = HouseholdSerializer._declared_fields["latest_income"]


class HouseholdMemberSerializer(serializers.ModelSerializer):
    id_number = ResidentIdField()
    birth_date = BirthDateField()
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True, help_text=_("出生年份。"))

    class Meta:
        model = Member
        fields = ["id", "name", "id_number", "relation", "sex", "birth_date", "birth_year", "education", "health",
                  "labour", "is_student"]
        read_only_fields = fields


class HouseholdYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdYear
        fields = ["year", "income_per_capita", "assets_per_capita"]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    """One household: the list row plus its aspiration, members (IDs masked) and incomes by year."""

    aspiration = serializers.ChoiceField(choices=Aspiration.choices, allow_blank=True, read_only=True,
                                         help_text=_("脱贫意愿；未填写时为空字符串。"))
    members = HouseholdMemberSerializer(many=True, read_only=True, help_text=_("家庭成员。"))
    years = HouseholdYearSerializer(many=True, read_only=True, help_text=_("各年度人均纯收入与家庭资产。"))

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "aspiration", "members", "years"]
        read_only_fields = fields

    to_representation = serializers.ModelSerializer.to_representation


# ------------------------------------------------------------------------------------------ members, benefits


class MemberSerializer(HouseholdMemberSerializer):
    village = _village_code("household.village.code")

    class Meta(HouseholdMemberSerializer.Meta):
        fields = ["id", "household", "village", *HouseholdMemberSerializer.Meta.fields[1:]]
        read_only_fields = fields


class BenefitSerializer(serializers.ModelSerializer):
    village = _village_code("household.village.code")

    class Meta:
        model = Benefit
        fields = ["id", "household", "village", "member", "kind", "date", "amount", "expense", "provider", "note"]
        read_only_fields = fields


# ------------------------------------------------------------------------------------------ pairing


class HelperStaffSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text=_("帮扶单位名称。"))
    unit_kind = serializers.ChoiceField(source="unit.kind", choices=Unit.Kind.choices, read_only=True,
                                        help_text=_("帮扶单位类别。"))

    class Meta:
        model = HelperStaff
        fields = ["id", "name", "unit", "unit_name", "unit_kind", "is_demo"]
        read_only_fields = fields


class PairingSerializer(serializers.ModelSerializer):
    village = _village_code("household.village.code")
    helper_name = serializers.CharField(source="helper.name", read_only=True, help_text=_("帮扶责任人姓名。"))
    unit_name = serializers.CharField(source="helper.unit.name", read_only=True, help_text=_("帮扶单位名称。"))

    class Meta:
        model = Pairing
        fields = ["id", "household", "village", "helper", "helper_name", "unit_name", "start_date", "end_date"]
        read_only_fields = fields


# ------------------------------------------------------------------------------------------ measures


class MeasureSerializer(serializers.ModelSerializer):
    village = _village_code()
    village_name = _village_name()
    responsible_name = serializers.CharField(source="responsible.name", read_only=True, allow_null=True,
                                             help_text=_("责任人姓名；未指定时为空。"))
    version = serializers.IntegerField(read_only=True,
                                       help_text=_("版本号：修改、实施或取消时须原样提交，过期则返回 409。"))

    class Meta:
        model = Measure
        fields = ["id", "village", "village_name", "household", "category", "title", "status", "amount",
                  "responsible", "responsible_name", "planned_date", "implemented_date", "evidence",
                  "cancel_reason", "version"]
        read_only_fields = fields


class MeasureConflictSerializer(serializers.Serializer):
    """The 409 answer to a write made with a stale version: the message and the measure as it is now."""

    detail = serializers.CharField(help_text=_("说明。"))
    current = MeasureSerializer(help_text=_("措施的当前内容（含当前版本号）。"))


def _amount(**kwargs):
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=services.MAX_MEASURE_AMOUNT,
        error_messages={"min_value": _("金额不能为负数。"), "max_value": services.amount_ceiling_message()},
        **kwargs)


def _version():
    return serializers.IntegerField(min_value=1, max_value=MAX_VERSION,
                                    help_text=_("读取措施时得到的版本号；措施已被他人修改时返回 409。"))


def _request_access(serializer):
    return access_of(serializer.context["request"].user)


class MeasureCreateSerializer(serializers.Serializer):
    village = serializers.SlugRelatedField(slug_field="code", queryset=Village.objects.none(),
                                           help_text=_("村代码：须为您当前驻村（可填报）的行政村。"))
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(), required=False, allow_null=True,
        help_text=_("该村的贫困户 id；不填则为全村措施。"))
    category = serializers.ChoiceField(choices=MeasureCategory.choices, help_text=_("措施类别（八个一批及行业项目）。"))
    title = serializers.CharField(max_length=200, help_text=_("措施内容。"))
    planned_date = serializers.DateField(help_text=_("计划日期。"))
    amount = _amount(required=False, help_text=_("计划金额（元），默认 0。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            villages = _request_access(self).writable_villages()
            self.fields["village"].queryset = villages
            self.fields["household"].queryset = Household.objects.filter(village__in=villages)


class MeasureUpdateSerializer(serializers.Serializer):
    """PATCH: the fields sent are changed; `version` is required."""

    version = _version()
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(), required=False, allow_null=True,
        help_text=_("措施所在村的贫困户 id；null 为全村措施。"))
    category = serializers.ChoiceField(choices=MeasureCategory.choices, required=False,
                                       help_text=_("措施类别（八个一批及行业项目）。"))
    title = serializers.CharField(max_length=200, required=False, help_text=_("措施内容。"))
    amount = _amount(required=False, help_text=_("金额（元）。"))
    planned_date = serializers.DateField(required=False, help_text=_("计划日期。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["household"].queryset = Household.objects.filter(village_id=self.instance.village_id)


class MeasureImplementSerializer(serializers.Serializer):
    version = _version()
    implemented_date = serializers.DateField(help_text=_("实施日期：不早于计划日期，不晚于今天。"))
    amount = _amount(help_text=_("实际金额（元）。"))
    evidence = serializers.CharField(max_length=200, help_text=_("实施佐证，如发放签收单编号、验收记录、照片存档号。"))

    def validate(self, data):
        services.validate_not_future("implemented_date", data["implemented_date"])
        return data


class MeasureCancelSerializer(serializers.Serializer):
    version = _version()
    reason = serializers.CharField(max_length=200, help_text=_("取消原因。"))


# ------------------------------------------------------------------------------------------ visits


class VisitSerializer(serializers.ModelSerializer):
    village = _village_code()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, allow_null=True,
                                       help_text=_("走访干部姓名；由帮扶责任人走访时为空。"))
    helper_name = serializers.CharField(source="helper.name", read_only=True, allow_null=True,
                                        help_text=_("走访的帮扶责任人姓名；由干部走访时为空。"))

    class Meta:
        model = Visit
        fields = ["id", "village", "household", "kind", "date", "cadre", "cadre_name", "helper", "helper_name",
                  "purpose", "notes"]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    household = serializers.PrimaryKeyRelatedField(
        queryset=Household.objects.none(), help_text=_("您驻村的行政村中已结对帮扶的贫困户 id。"))
    kind = serializers.ChoiceField(choices=Visit.Kind.choices, required=False, help_text=_("走访类别，默认入户走访。"))
    date = serializers.DateField(help_text=_("走访日期，不晚于今天。"))
    purpose = serializers.CharField(max_length=200, help_text=_("走访目的。"))
    notes = serializers.CharField(required=False, allow_blank=True, help_text=_("走访记录。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            villages = _request_access(self).writable_villages()
            self.fields["household"].queryset = Household.objects.filter(village__in=villages)

    def validate(self, data):
        services.validate_not_future("date", data["date"])
        return data


class MeasureUpdateSchema(OpenApiSerializerExtension):
    """drf-spectacular drops every required field of a PATCH body; `version` stays required (the view checks it)."""

    target_class = MeasureUpdateSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "required": ["version"]}
