"""The 建档立卡 registry: households, members, incomes, measures, benefits, pairings and visits."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Substr
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _

from povertyboard.access import RestrictedManager
from povertyboard.db import DateDigits, money, non_negative, prefix_index
from povertyboard.resident_ids import SEX_FEMALE, SEX_MALE, mask_resident_id, parse_resident_id, validate_resident_id


class PovertyCause(models.TextChoices):
    """The national list of poverty causes (致贫原因)."""

    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    LAND = "land", _("缺土地")
    WATER = "water", _("缺水")
    SKILLS = "skills", _("缺技术")
    LABOUR = "labour", _("缺劳力")
    CAPITAL = "capital", _("缺资金")
    TRANSPORT = "transport", _("交通条件落后")
    MOTIVATION = "motivation", _("自身发展动力不足")


class Aspiration(models.TextChoices):
    """The aspects in which a household wants to get out of poverty (脱贫意愿)."""

    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    EDUCATION = "education", _("教育")
    MEDICAL = "medical", _("医疗")
    ECOLOGY = "ecology", _("生态")
    FINANCE = "finance", _("金融")
    HOUSING = "housing", _("住房")
    SOCIAL_SECURITY = "social_security", _("兜底保障")


class Household(models.Model):
    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("已识别")
        ASSISTED = "assisted", _("帮扶中")
        EXITED = "exited", _("已脱贫")
        RETURNED = "returned", _("返贫")
        AT_RISK = "at_risk", _("监测（易返贫）")

    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="households",
                                verbose_name=_("行政村"))
    number = models.CharField(_("户编号"), max_length=30)
    group_no = models.PositiveSmallIntegerField(_("村民小组"), default=1)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    primary_cause = models.CharField(_("主要致贫原因"), max_length=20, choices=PovertyCause.choices)
    secondary_cause = models.CharField(_("次要致贫原因"), max_length=20, choices=PovertyCause.choices,
                                       blank=True)
    aspiration = models.CharField(_("脱贫意愿"), max_length=20, choices=Aspiration.choices, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    identified_year = models.PositiveSmallIntegerField(_("识别年度"))
    planned_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    is_dibao = models.BooleanField(_("低保户"), default=False)
    is_wubao = models.BooleanField(_("五保户"), default=False)
    has_dangerous_house = models.BooleanField(_("危房户"), default=False)
    is_relocated = models.BooleanField(_("易地搬迁户"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "village__county"
    village_path = "village"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["village__code", "number"]
        # the search (search.selectors): name and number prefixes, a whole phone by equality
        indexes = [prefix_index("household", "head_name"), prefix_index("household", "number"),
                   models.Index(fields=["phone"], name="household_phone")]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="household_number_unique_in_village",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本行政村已有这个户编号。")),
            models.CheckConstraint(condition=Q(group_no__gte=1), name="household_group_positive",
                                   violation_error_code="invalid", violation_error_message=_("村民小组应大于0。")),
            models.CheckConstraint(
                condition=~Q(status="exited") | Q(exit_year__isnull=False), name="household_exited_has_year",
                violation_error_code="invalid", violation_error_message=_("已脱贫的贫困户须填写脱贫年度。")
            ),
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True) | Q(exit_year__gte=F("identified_year")),
                name="household_exit_after_identified",
                violation_error_code="invalid", violation_error_message=_("脱贫年度不能早于识别年度。"),
            ),
            models.CheckConstraint(
                condition=Q(planned_exit_year__isnull=True) | Q(planned_exit_year__gte=F("identified_year")),
                name="household_plan_after_identified",
                violation_error_code="invalid", violation_error_message=_("计划脱贫年度不能早于识别年度。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.head_name}"

    def clean(self):
        errors = {}
        if self.status == self.Status.EXITED and not self.exit_year:
            errors["exit_year"] = _("已脱贫的贫困户须填写脱贫年度。")
        if self.exit_year and self.identified_year and self.exit_year < self.identified_year:
            errors["exit_year"] = _("脱贫年度不能早于识别年度。")
        if self.planned_exit_year and self.identified_year and self.planned_exit_year < self.identified_year:
            errors["planned_exit_year"] = _("计划脱贫年度不能早于识别年度。")
        if self.village_id and self.group_no and self.group_no > self.village.group_count:
            errors["group_no"] = _("该村只有 %(n)s 个村民小组。") % {"n": self.village.group_count}
        if errors:
            raise ValidationError(errors)


class HouseholdYear(models.Model):
    """A household's per-capita income and assets in one year."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="years",
                                  verbose_name=_("贫困户"))
    year = models.PositiveSmallIntegerField(_("年度"))
    income_per_capita = money(_("人均纯收入（元）"))
    assets_per_capita = money(_("人均家庭资产（元）"), null=True, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("年度收入")
        verbose_name_plural = _("年度收入")
        ordering = ["household", "year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="household_year_unique",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该户这一年的收入已经登记过，请修改原记录。")),
            *non_negative("householdyear", "income_per_capita", "assets_per_capita"),
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


class StatusChange(models.Model):
    """The history of a household's status (识别 → 帮扶 → 脱贫, or returned / at risk)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="status_changes",
                                  verbose_name=_("贫困户"))
    from_status = models.CharField(_("原状态"), max_length=20, choices=Household.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Household.Status.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["household", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="status_change_changes",
                                   violation_error_code="invalid",
                                   violation_error_message=_("变更后的状态须与原状态不同。")),
        ]

    def __str__(self):
        return f"{self.household} {self.from_status}→{self.to_status}"


class Member(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        GRANDCHILD = "grandchild", _("孙子女")
        SIBLING = "sibling", _("兄弟姐妹")
        OTHER = "other", _("其他")

    class Sex(models.TextChoices):
        MALE = SEX_MALE, _("男")
        FEMALE = SEX_FEMALE, _("女")

    class Education(models.TextChoices):
        NONE = "none", _("文盲或半文盲")
        PRIMARY = "primary", _("小学")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中")
        VOCATIONAL = "vocational", _("中专、职高")
        COLLEGE = "college", _("大专及以上")
        PRESCHOOL = "preschool", _("学龄前")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("健康")
        CHRONIC = "chronic", _("长期慢性病")
        SERIOUS = "serious", _("患有大病")
        DISABLED = "disabled", _("残疾")

    class Labour(models.TextChoices):
        ABLE = "able", _("普通劳动力")
        SKILLED = "skilled", _("技能劳动力")
        WEAK = "weak", _("弱劳动力")
        NONE = "none", _("无劳动力")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members",
                                  verbose_name=_("贫困户"))
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18, unique=True,
                                 validators=[validate_resident_id])
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices)
    health = models.CharField(_("健康状况"), max_length=20, choices=Health.choices, default=Health.HEALTHY)
    labour = models.CharField(_("劳动技能"), max_length=20, choices=Labour.choices)
    is_student = models.BooleanField(_("在校生"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "id"]
        indexes = [prefix_index("member", "name"), models.Index(fields=["phone"], name="member_phone")]  # search
        constraints = [
            models.CheckConstraint(condition=Exact(Length("id_number"), 18), name="member_id_18_chars",
                                   violation_error_code="invalid", violation_error_message=_("身份证号码应为18位。")),
            # The 17th digit is odd for men, even for women (GB 11643).
            models.CheckConstraint(
                condition=(
                    Q(sex=SEX_MALE) & In(Substr("id_number", 17, 1), ["1", "3", "5", "7", "9"])
                ) | (
                    Q(sex=SEX_FEMALE) & In(Substr("id_number", 17, 1), ["0", "2", "4", "6", "8"])
                ),
                name="member_sex_matches_id",
                violation_error_code="invalid", violation_error_message=_("性别与身份证号码第17位不一致。"),
            ),
            # Digits 7-14 are the birth date, YYYYMMDD.
            models.CheckConstraint(
                condition=Exact(Substr("id_number", 7, 8), DateDigits("birth_date")),
                name="member_birth_date_matches_id",
                violation_error_code="invalid", violation_error_message=_("出生日期与身份证号码不一致。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.id_number:
            return
        self.id_number = self.id_number.strip().upper()
        try:
            birth, sex = parse_resident_id(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        errors = {}
        if self.birth_date and self.birth_date != birth:
            errors["birth_date"] = _("出生日期 %(date)s 与身份证号码中的 %(id_date)s 不一致。") % {
                "date": self.birth_date, "id_date": birth}
        if self.sex and self.sex != sex:
            errors["sex"] = _("性别与身份证号码第17位不一致（奇数为男，偶数为女）。")
        if errors:
            raise ValidationError(errors)


class MeasureCategory(models.TextChoices):
    """Qinghai's 八个一批 plus the sector programmes the reports name."""

    INDUSTRY = "industry", _("发展产业")
    RELOCATION = "relocation", _("易地搬迁")
    ASSET_INCOME = "asset_income", _("资产收益")
    EMPLOYMENT = "employment", _("转移就业")
    MEDICAL = "medical", _("医疗保障和救助")
    EDUCATION = "education", _("教育支持")
    DIBAO = "dibao", _("低保兜底")
    ECOLOGY = "ecology", _("生态保护")
    HOUSE_RENOVATION = "house_renovation", _("危房改造")
    SKILLS_TRAINING = "skills_training", _("技能培训促进就业")
    FINANCE = "finance", _("金融扶贫")
    ELDERLY = "elderly", _("爱老敬老救助")
    CULTURE = "culture", _("文化惠民")
    WATER = "water", _("水利")
    TELECOM = "telecom", _("通信")
    ECOMMERCE = "ecommerce", _("电子商务及市场体系建设")
    POWER = "power", _("电力")
    SCIENCE_EDUCATION = "science_education", _("科教")
    TRANSPORT = "transport", _("交通")


# The 八个一批 family; every other category is a sector programme.
EIGHT_BATCHES = (
    MeasureCategory.INDUSTRY, MeasureCategory.RELOCATION, MeasureCategory.ASSET_INCOME,
    MeasureCategory.EMPLOYMENT, MeasureCategory.MEDICAL, MeasureCategory.EDUCATION,
    MeasureCategory.DIBAO, MeasureCategory.ECOLOGY,
)


class Measure(models.Model):
    """An assistance measure (帮扶措施) for a household, or for a whole village when household is empty."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        IMPLEMENTED = "implemented", _("已实施")
        CANCELLED = "cancelled", _("已取消")

    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="measures",
                                verbose_name=_("行政村"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="measures", verbose_name=_("贫困户"))
    category = models.CharField(_("类别"), max_length=30, choices=MeasureCategory.choices)
    title = models.CharField(_("措施内容"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    amount = money(_("金额（元）"), default=0)
    responsible = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="measures", verbose_name=_("责任人"))
    planned_date = models.DateField(_("计划日期"))
    implemented_date = models.DateField(_("实施日期"), null=True, blank=True)
    evidence = models.CharField(_("实施佐证"), max_length=200, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    # Optimistic lock: every write through households.services bumps it; a form loaded at an older
    # version is refused instead of overwriting someone else's change (no lost updates).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    county_path = "village__county"
    village_path = "village"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["village__code", "planned_date", "id"]
        constraints = [
            *non_negative("measure", "amount"),
            models.CheckConstraint(
                condition=~Q(status="implemented") | Q(implemented_date__isnull=False),
                name="measure_implemented_has_date",
                violation_error_code="invalid", violation_error_message=_("已实施的措施须填写实施日期。"),
            ),
            models.CheckConstraint(
                condition=Q(implemented_date__isnull=True) | Q(implemented_date__gte=F("planned_date")),
                name="measure_implemented_after_planned",
                violation_error_code="invalid", violation_error_message=_("实施日期不能早于计划日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="measure_cancelled_has_reason",
                violation_error_code="invalid", violation_error_message=_("已取消的措施须填写取消原因。")
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            errors["household"] = _("该贫困户不属于所选行政村。")
        if self.status == self.Status.IMPLEMENTED and not self.implemented_date:
            errors["implemented_date"] = _("已实施的措施须填写实施日期。")
        if self.implemented_date and self.planned_date and self.implemented_date < self.planned_date:
            errors["implemented_date"] = _("实施日期不能早于计划日期。")
        if self.status == self.Status.CANCELLED and not self.cancel_reason:
            errors["cancel_reason"] = _("取消的措施须填写取消原因。")
        if errors:
            raise ValidationError(errors)


class Benefit(models.Model):
    """A benefit a household or member received, as the reports count them."""

    class Kind(models.TextChoices):
        DIBAO = "dibao", _("低保金")
        MEDICAL = "medical", _("医疗报销")
        EDUCATION_AID = "education_aid", _("教育资助")
        HOUSE_RENOVATION = "house_renovation", _("危房改造补助")
        JOB_PLACEMENT = "job_placement", _("就业岗位")
        EMPLOYMENT_TRANSFER = "employment_transfer", _("转移就业")
        LOAN = "loan", _("贷款")
        DONATED_GOODS = "donated_goods", _("慰问品及捐赠物资")
        INDUSTRY_SUPPORT = "industry_support", _("产业扶持资金")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="benefits",
                                  verbose_name=_("贫困户"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="benefits", verbose_name=_("成员"))
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    date = models.DateField(_("日期"))
    amount = money(_("金额（元）"), default=0)
    expense = money(_("医疗总费用（元）"), null=True, blank=True)
    provider = models.CharField(_("提供方"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("受益记录")
        verbose_name_plural = _("受益记录")
        ordering = ["household", "date", "id"]
        constraints = [
            *non_negative("benefit", "amount", "expense"),
            models.CheckConstraint(
                condition=Q(expense__isnull=True) | Q(amount__lte=F("expense")),
                name="benefit_reimbursed_within_expense",
                violation_error_code="invalid", violation_error_message=_("报销金额不能超过医疗费用。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="medical") | Q(expense__isnull=False), name="benefit_medical_has_expense",
                violation_error_code="invalid", violation_error_message=_("医疗救助须填写医疗费用。")
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.get_kind_display()}"

    def clean(self):
        if self.member_id and self.household_id and self.member.household_id != self.household_id:
            raise ValidationError({"member": _("该成员不属于所选贫困户。")})
        if self.kind == self.Kind.MEDICAL and self.expense is None:
            raise ValidationError({"expense": _("医疗报销须填写医疗总费用。")})
        if self.expense is not None and self.amount is not None and self.amount > self.expense:
            raise ValidationError({"amount": _("报销金额不能超过医疗总费用。")})


class HelperStaff(models.Model):
    """A member of staff of a helper unit (党政军企) who is paired with households."""

    unit = models.ForeignKey("cadres.Unit", on_delete=models.PROTECT, related_name="staff",
                             verbose_name=_("帮扶单位"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "unit__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")
        ordering = ["unit", "name"]
        indexes = [prefix_index("helperstaff", "name"), models.Index(fields=["phone"], name="helperstaff_phone")]

    def __str__(self):
        return f"{self.name}（{self.unit}）"


class Pairing(models.Model):
    """结对帮扶: a helper paired with a household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="pairings",
                                  verbose_name=_("贫困户"))
    helper = models.ForeignKey(HelperStaff, on_delete=models.PROTECT, related_name="pairings",
                               verbose_name=_("帮扶责任人"))
    start_date = models.DateField(_("结对日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["household", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["household", "helper", "start_date"], name="pairing_unique",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该户与这位帮扶责任人在这一天已有结对记录。")),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="pairing_end_after_start",
                violation_error_code="invalid", violation_error_message=_("结束日期不能早于结对日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.helper} ↔ {self.household}"


class Visit(models.Model):
    """A visit (调研、慰问、走访) to a village or one of its households."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("调研")
        CONDOLENCE = "condolence", _("慰问")
        HOME_VISIT = "home_visit", _("入户走访")

    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="visits",
                                verbose_name=_("行政村"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="visits", verbose_name=_("贫困户"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="visits", verbose_name=_("干部"))
    helper = models.ForeignKey(HelperStaff, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="visits", verbose_name=_("帮扶责任人"))
    purpose = models.CharField(_("目的"), max_length=200)
    notes = models.TextField(_("记录"), blank=True)

    county_path = "village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadre__isnull=False) | Q(helper__isnull=False), name="visit_has_visitor",
                violation_error_code="invalid", violation_error_message=_("走访记录须有走访人。")
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.village}"

    def clean(self):
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            raise ValidationError({"household": _("该贫困户不属于所选行政村。")})
        if not self.cadre_id and not self.helper_id:
            raise ValidationError(_("请填写走访的干部或帮扶责任人。"))


def mask_id_list(value: str) -> str:
    """A comma-separated list of resident IDs, each masked (for the history of CrossCheckFlag.matched_ids)."""
    return ",".join(mask_resident_id(part.strip()) for part in (value or "").split(",") if part.strip())


class CrossCheckFlag(models.Model):
    """精准识别: a household whose member is on another department's list (vehicle owners, public servants…).

    Loading a department's list of resident IDs (imports.services.run_crosscheck) flags every household of
    the user's area with a matching member; county staff review each flag and record their decision.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待核查")
        CLEARED = "cleared", _("已排除")  # reviewed: the match does not put the registration in doubt
        CONFIRMED = "confirmed", _("已确认")  # reviewed: the household does not qualify as registered

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="crosscheck_flags",
                                  verbose_name=_("贫困户"))
    source = models.CharField(_("来源部门"), max_length=50, help_text=_("如：车管所、房管局、公安局、农牧局、银行。"))
    label = models.CharField(_("名单类别"), max_length=100, help_text=_("如：车辆所有人、商品房所有人、财政供养人员。"))
    list_date = models.DateField(_("名单日期"))
    # The matching members' resident IDs, comma-separated, as the department's list gave them (the evidence);
    # shown masked to everyone but administrators.
    matched_ids = models.TextField(_("匹配的身份证号码"))
    status = models.CharField(_("核查状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("比对时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("导入人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("核查人"))
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decision_note = models.CharField(_("核查说明"), max_length=500, blank=True)

    county_path = "household__village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("比对疑点")
        verbose_name_plural = _("比对疑点")
        ordering = ["-list_date", "household__village__code", "household__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "source", "label", "list_date"],
                                    name="crosscheck_flag_once_per_list",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该户已被同一份名单标记过。")),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(decided_at__isnull=False) & ~Q(decision_note="")),
                name="crosscheck_decision_recorded",
                violation_error_code="invalid", violation_error_message=_("核查结论须填写核查说明和核查时间。"),
            ),
        ]

    def __str__(self):
        return f"{self.household} · {self.source} {self.label}"

    @property
    def matched_id_list(self) -> list[str]:
        return [part for part in self.matched_ids.split(",") if part]
