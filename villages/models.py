"""Areas (county → township → village), their collective economy, needs, policies, projects and funds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from povertyboard.access import RestrictedManager, county_lookup
from povertyboard.db import all_digits, money, non_negative, prefix_index


def _through(village_path: str, field: str) -> str:
    return f"{village_path}__{field}" if village_path else field

# County, Township and Village are one type, the area a page, a dashboard or a rows list is about
# (villages.selectors.Area). Each has: `area_kind`, the word URLs and snapshots name it by; `area_ref`, what
# names it in a URL (its `ref_field`: the code; a township has none, so its id); `county` and `county_id` (a
# county's are itself and its id); and `village_q(village_path)`, the filter keeping rows whose village (reached through
# village_path, "" for villages themselves) lies in the area.


class County(models.Model):
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True,
                            validators=[RegexValidator(r"^[0-9]{6}$", _("行政区划代码应为6位数字。"))])
    name = models.CharField(_("名称"), max_length=50)
    prefecture = models.CharField(_("所属州（市）"), max_length=50)
    province = models.CharField(_("省"), max_length=20, default="青海省")
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)

    county_path = ""
    objects = RestrictedManager()
    area_kind = "county"
    ref_field = "code"

    class Meta:
        verbose_name = _("县（市）")
        verbose_name_plural = _("县（市）")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=all_digits("code", 6),
                name="county_code_six_digits",
                violation_error_code="invalid", violation_error_message=_("县（市）代码应为6位数字。"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def area_ref(self) -> str:
        return self.code

    @property
    def county(self) -> "County":
        return self

    @property
    def county_id(self) -> int:
        return self.pk

    def village_q(self, village_path: str = "village") -> Q:
        return Q(**{_through(village_path, Village.county_path): self})


class Township(models.Model):
    class Kind(models.TextChoices):
        """The NBS classes of township-level units, by the code's digits 7–9 (villages.divisions)."""

        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        LIKE_TOWNSHIP = "like_township", _("类似乡级单位")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships",
                               verbose_name=_("县（市）"))
    # The 9-digit NBS code (统计用区划代码); blank for a unit that is not in the division data.
    code = models.CharField(_("乡级区划代码"), max_length=9, blank=True, default="",
                            validators=[RegexValidator(r"^[0-9]{9}$", _("乡级区划代码应为9位数字。"))])
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    active = models.BooleanField(_("现行"), default=True,
                                 help_text=_("不在最近载入的区划版本中的单位为非现行：保留其历史数据，不再用于新数据。"))
    division_edition = models.PositiveSmallIntegerField(_("区划版本"), null=True, blank=True,
                                                        help_text=_("最近一次出现于哪一年版的统计用区划代码。"))

    county_path = "county"
    objects = RestrictedManager()
    area_kind = "township"
    ref_field = "pk"

    class Meta:
        verbose_name = _("乡镇（街道）")
        verbose_name_plural = _("乡镇（街道）")
        ordering = ["county__code", "name"]
        constraints = [
            # An inactive unit may share its name with the unit that replaced it.
            models.UniqueConstraint(fields=["county", "name"], condition=Q(active=True), name="township_unique_name",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本县（市）已有同名的现行乡镇（街道）。")),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="township_unique_code",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("已有代码相同的乡镇（街道）。")),
            models.CheckConstraint(condition=Q(code="") | all_digits("code", 9), name="township_code_nine_digits",
                                   violation_error_code="invalid",
                                   violation_error_message=_("乡镇（街道）代码应为9位数字。")),
        ]

    def __str__(self):
        return self.name

    def save(self, **kwargs):
        moved = not self._state.adding
        super().save(**kwargs)
        if moved:  # a township moved to another county takes its villages' copy of the county along
            self.villages.exclude(county_id=self.county_id).update(county_id=self.county_id)

    @property
    def area_ref(self) -> str:
        return str(self.pk)

    def village_q(self, village_path: str = "village") -> Q:
        return Q(**{_through(village_path, "township"): self})


class Village(models.Model):
    class Kind(models.TextChoices):
        """The NBS classes of village-level units, by the code's digits 10–12 (villages.divisions)."""

        RESIDENTS_COMMITTEE = "residents", _("居委会")
        VILLAGE_COMMITTEE = "village", _("村委会")
        LIKE_VILLAGE_COMMITTEE = "like_village", _("类似村委会")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages",
                                 verbose_name=_("乡镇（街道）"))
    # The township's county, copied (save() here and Township.save() keep it) so that a county's villages, and
    # through them its households in village-code order, are one index range: the API household list's page
    # query walked the code index over every village of the province to reach one county's (bench/RESULTS.md).
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False,
                               verbose_name=_("县（市）"))
    code = models.CharField(_("村代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.VILLAGE_COMMITTEE)
    active = models.BooleanField(_("现行"), default=True,
                                 help_text=_("不在最近载入的区划版本中的单位为非现行：保留其历史数据，不再用于新数据。"))
    division_edition = models.PositiveSmallIntegerField(_("区划版本"), null=True, blank=True,
                                                        help_text=_("最近一次出现于哪一年版的统计用区划代码。"))
    is_poor = models.BooleanField(_("贫困村"), default=False)
    population = models.PositiveIntegerField(_("户籍人口"), null=True, blank=True)
    group_count = models.PositiveSmallIntegerField(_("村民小组数"), default=1)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    planned_exit_year = models.PositiveSmallIntegerField(_("计划摘帽年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("摘帽年度"), null=True, blank=True)
    # On a real (NBS) village the seed decorates, is_demo marks its attributes as demo data: which villages are poor,
    # population, groups, location, exit years. Its code, name and kind stay facts.
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()
    area_kind = "village"
    ref_field = "code"

    class Meta:
        verbose_name = _("行政村")
        verbose_name_plural = _("行政村")
        ordering = ["code"]
        indexes = [models.Index(fields=["county", "code"], name="village_county_code"),
                   prefix_index("village", "name"), prefix_index("village", "code")]  # the search's prefixes
        constraints = [
            # An inactive unit may share its name with the unit that replaced it (a new code, the same name).
            models.UniqueConstraint(fields=["township", "name"], condition=Q(active=True), name="village_unique_name",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本乡镇（街道）已有同名的现行行政村。")),
            models.CheckConstraint(condition=Q(group_count__gte=1), name="village_group_count_positive",
                                   violation_error_code="invalid", violation_error_message=_("村民小组数至少为1。")),
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True) | Q(is_poor=True), name="village_exit_only_if_poor",
                violation_error_code="invalid", violation_error_message=_("只有贫困村才能填写退出年度。")
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="village_latitude_range",
                violation_error_code="invalid", violation_error_message=_("纬度应在 -90 到 90 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="village_longitude_range",
                violation_error_code="invalid", violation_error_message=_("经度应在 -180 到 180 之间。"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, **kwargs):
        self.county_id = self.township.county_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"township", "township_id"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "county"}
        super().save(**kwargs)

    @property
    def area_ref(self) -> str:
        return self.code

    def village_q(self, village_path: str = "village") -> Q:
        return Q(**{village_path: self}) if village_path else Q(pk=self.pk)


class CollectiveEconomy(models.Model):
    """A village's collective economy in one year (村集体经济)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="economy",
                                verbose_name=_("行政村"))
    year = models.PositiveSmallIntegerField(_("年度"))
    income = money(_("集体经济收入（元）"))
    accumulated_assets = money(_("集体经济积累（元，含互助资金）"))
    mutual_aid_fund = money(_("其中：村级互助资金（元）"), default=0)

    county_path = "village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("村集体经济")
        verbose_name_plural = _("村集体经济")
        ordering = ["village__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="economy_one_per_village_year",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该村这一年的集体经济已经登记过，请修改原记录。")),
            *non_negative("economy", "income", "accumulated_assets", "mutual_aid_fund"),
            models.CheckConstraint(
                condition=Q(mutual_aid_fund__lte=models.F("accumulated_assets")),
                name="economy_mutual_aid_within_assets",
                violation_error_code="invalid", violation_error_message=_("互助资金不能超过累计资产。"),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}"


class VillageNeed(models.Model):
    """An exit need of a village (退出需求: roads, drinking water, power…)."""

    class Category(models.TextChoices):
        ROAD = "road", _("道路")
        DRINKING_WATER = "drinking_water", _("饮水")
        ELECTRICITY = "electricity", _("用电")
        HOUSING = "housing", _("住房")
        TELECOM = "telecom", _("通信")
        BROADCAST = "broadcast", _("广播电视")
        CLINIC = "clinic", _("卫生室")
        CULTURE = "culture", _("文化活动场所")
        SERVICE_CENTER = "service_center", _("村级综合服务")
        ENVIRONMENT = "environment", _("人居环境")

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="needs",
                                verbose_name=_("行政村"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    resolved = models.BooleanField(_("已解决"), default=False)

    county_path = "village__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("退出需求")
        verbose_name_plural = _("退出需求")
        constraints = [models.UniqueConstraint(fields=["village", "category"], name="need_one_per_category",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("该村已登记这一类需求，请修改原记录。"))]

    def __str__(self):
        return f"{self.village} {self.get_category_display()}"


class PolicyDocument(models.Model):
    """A county's policy documents, e.g. Golmud's "1+7+10" (1 plan, 7 action plans, 10 special plans)."""

    class Kind(models.TextChoices):
        IMPLEMENTATION_PLAN = "plan", _("实施方案")
        ACTION_PLAN = "action_plan", _("行动计划")
        SPECIAL_PLAN = "special_plan", _("专项方案")

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="policies",
                               verbose_name=_("县（市）"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["county__code", "kind", "title"]
        constraints = [models.UniqueConstraint(fields=["county", "title"], name="policy_unique_title",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("本县（市）已有同名的政策文件。"))]

    def __str__(self):
        return self.title


class Project(models.Model):
    class Category(models.TextChoices):
        ROAD = "road", _("道路")
        DRINKING_WATER = "drinking_water", _("饮水")
        POWER_GRID = "power_grid", _("电网")
        CULTURE_SPORTS = "culture_sports", _("文化体育")
        HOUSING = "housing", _("住房")
        RELOCATION = "relocation", _("易地搬迁")
        INDUSTRY = "industry", _("产业")
        OTHER = "other", _("其他")

    class Programme(models.TextChoices):
        POVERTY = "poverty", _("扶贫专项")
        SECTOR = "sector", _("行业部门")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        IN_PROGRESS = "in_progress", _("在建")
        COMPLETED = "completed", _("完工")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="projects",
                               verbose_name=_("县（市）"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="projects",
                                null=True, blank=True, verbose_name=_("行政村"))
    name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    programme = models.CharField(_("渠道"), max_length=20, choices=Programme.choices,
                                 default=Programme.POVERTY)
    department = models.CharField(_("实施部门"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget = money(_("预算（元）"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["county__code", "year", "name"]
        constraints = [
            *non_negative("project", "budget"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_max_100",
                                   violation_error_code="invalid", violation_error_message=_("进度不能超过100%%。")),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(progress=100), name="project_completed_is_100",
                violation_error_code="invalid", violation_error_message=_("已完工的项目进度应为100%%。")
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.village_id and self.county_id and self.village.township.county_id != self.county_id:
            raise ValidationError({"village": _("行政村不属于所选县（市）。")})


class FundSource(models.Model):
    """Money a county has secured, by provider (省州专项, 市级财政, 派出单位…)."""

    class Kind(models.TextChoices):
        PROVINCE_PREFECTURE = "province_prefecture", _("省州专项资金")
        CITY_FINANCE = "city_finance", _("市级财政")
        COUNTY_FINANCE = "county_finance", _("县级财政")
        INTEGRATED = "integrated", _("整合项目资金")
        DISPATCHING_UNIT = "dispatching_unit", _("派出单位")
        ORGANIZATION_DEPT = "organization_dept", _("组织部")
        LINKED_UNIT = "linked_unit", _("联点单位")
        DONATION = "donation", _("社会捐赠")
        BANK_LOAN = "bank_loan", _("银行贷款")

    class Purpose(models.TextChoices):
        GENERAL = "general", _("综合扶贫")
        INDUSTRY = "industry", _("产业发展")
        INFRASTRUCTURE = "infrastructure", _("基础设施")
        WORK_FUNDS = "work_funds", _("工作经费")
        HOUSE_RENOVATION = "house_renovation", _("危房改造")
        RELOCATION = "relocation", _("易地搬迁")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="fund_sources",
                               verbose_name=_("县（市）"))
    kind = models.CharField(_("来源"), max_length=30, choices=Kind.choices)
    purpose = models.CharField(_("用途"), max_length=30, choices=Purpose.choices)
    name = models.CharField(_("名称"), max_length=200)
    provider = models.CharField(_("提供单位"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = money(_("金额（元）"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["county__code", "year", "kind"]
        constraints = [
            *non_negative("fundsource", "amount"),
            models.UniqueConstraint(fields=["county", "year", "name"], name="fundsource_unique_name",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本县（市）这一年已有同名的资金来源。")),
        ]

    def __str__(self):
        return self.name


class Gate(models.IntegerChoices):
    """The six gates every allocation passes (六道关), in order."""

    SELECTION = 1, _("选项")
    APPROVAL_OF_ITEM = 2, _("立项")
    APPLICATION = 3, _("申报")
    APPROVAL = 4, _("审批")
    DISBURSEMENT = 5, _("发放")
    BENEFIT = 6, _("效益")


class FundAllocation(models.Model):
    """Money from one source allocated to exactly one project, village or household."""

    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="allocations",
                               verbose_name=_("资金来源"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="allocations", verbose_name=_("项目"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="allocations", verbose_name=_("行政村"))
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="allocations", verbose_name=_("贫困户"))
    amount = money(_("金额（元）"))
    gate = models.PositiveSmallIntegerField(_("当前关口"), choices=Gate.choices, default=Gate.SELECTION)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    county_path = "source__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        ordering = ["source", "id"]
        constraints = [
            *non_negative("allocation", "amount"),
            models.CheckConstraint(condition=Q(gate__gte=1, gate__lte=6), name="allocation_gate_range",
                                   violation_error_code="invalid",
                                   violation_error_message=_("关口应在第1到第6关之间。")),
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, village__isnull=True, household__isnull=True)
                    | Q(project__isnull=True, village__isnull=False, household__isnull=True)
                    | Q(project__isnull=True, village__isnull=True, household__isnull=False)
                ),
                name="allocation_exactly_one_target",
                violation_error_code="invalid",
                violation_error_message=_("资金只能分配给一个对象：项目、行政村或贫困户之一。"),
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    @property
    def target(self):
        return self.project or self.village or self.household

    def clean(self):
        """Money of a county's source goes to that county's projects, villages and households."""
        if not self.source_id:
            return
        targets = [(self._meta.get_field(name).related_model, getattr(self, f"{name}_id"))
                   for name in ("project", "village", "household")]
        target = next(((model, pk) for model, pk in targets if pk), None)
        if target is None:
            return
        model, pk = target
        county_id = FundSource.objects.filter(pk=self.source_id).values_list("county_id", flat=True).first()
        target_county = model.objects.filter(pk=pk).values_list(county_lookup(model), flat=True).first()
        if target_county != county_id:
            raise ValidationError(_("资金分配的对象必须在资金来源所属的县（市）内。"))

    @property
    def is_disbursed(self) -> bool:
        return self.gate >= Gate.DISBURSEMENT


class GateTransition(models.Model):
    """An allocation passing one gate: who moved it and when."""

    allocation = models.ForeignKey(FundAllocation, on_delete=models.CASCADE, related_name="transitions",
                                   verbose_name=_("资金分配"))
    gate = models.PositiveSmallIntegerField(_("关口"), choices=Gate.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              verbose_name=_("操作人"))
    actor_name = models.CharField(_("经办人"), max_length=50)
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    county_path = "allocation__source__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("关口记录")
        verbose_name_plural = _("关口记录")
        ordering = ["allocation", "gate"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "gate"], name="transition_once_per_gate",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("这笔资金已有这一关口的记录。")),
            models.CheckConstraint(condition=Q(gate__gte=1, gate__lte=6), name="transition_gate_range",
                                   violation_error_code="invalid",
                                   violation_error_message=_("关口应在第1到第6关之间。")),
        ]

    def __str__(self):
        return f"{self.allocation_id} {self.get_gate_display()}"


class ReportFigure(models.Model):
    """A figure a report states, with its source sentence; reconciliation recomputes it from rows."""

    class Comparison(models.TextChoices):
        EXACT = "exact", _("等于")
        AT_LEAST = "at_least", _("不少于")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="report_figures",
                               verbose_name=_("县（市）"))
    key = models.SlugField(_("键"), max_length=60)
    label = models.CharField(_("指标"), max_length=100)
    value = models.DecimalField(_("报告数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20)
    comparison = models.CharField(_("比较"), max_length=10, choices=Comparison.choices)
    report_file = models.CharField(_("报告文件"), max_length=100)
    source_sentence = models.TextField(_("原文"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("报告数据")
        verbose_name_plural = _("报告数据")
        ordering = ["county__code", "order"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="figure_unique_key",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本县（市）已有这一项报告数字。")),
            models.CheckConstraint(condition=Q(comparison__in=["exact", "at_least"]),
                                   name="figure_comparison_valid",
                                   violation_error_code="invalid",
                                   violation_error_message=_("比较方式只能是“等于”或“不少于”。")),
            models.CheckConstraint(condition=Q(source_sentence__gt=""), name="figure_has_source",
                                   violation_error_code="invalid",
                                   violation_error_message=_("报告数字须注明出处原文。")),
        ]

    def __str__(self):
        return f"{self.county} {self.label}"


class UserArea(models.Model):
    """The area a user works in: one county, or every county of a prefecture (a prefecture account)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area",
                                verbose_name=_("用户"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
                               verbose_name=_("县（市）"))
    prefecture = models.CharField(_("州（市）"), max_length=50, blank=True,
                                  help_text=_("州级账号填写州（市）名称，可查看其下所有县（市）；县级账号留空。"))

    class Meta:
        verbose_name = _("用户辖区")
        verbose_name_plural = _("用户辖区")
        constraints = [
            models.CheckConstraint(
                condition=(Q(county__isnull=False, prefecture="") | Q(county__isnull=True) & ~Q(prefecture="")),
                name="user_area_county_or_prefecture",
                violation_error_code="invalid",
                violation_error_message=_("用户辖区须是一个县（市）或一个州（市），二者选一。"),
            ),
        ]

    def __str__(self):
        return str(self.county) if self.county_id else self.prefecture

    def clean(self):
        if bool(self.county_id) == bool(self.prefecture):
            raise ValidationError(_("请选择一个县（市），或填写一个州（市），二者只能选其一。"))
        if self.prefecture and not County.objects.filter(prefecture=self.prefecture).exists():
            raise ValidationError({"prefecture": _("没有属于该州（市）的县（市）。")})


class DashboardSnapshot(models.Model):
    """An area's dashboard as last computed (dashboards.snapshots), so a page or API read does not rescan its rows.

    `version` counts the changes to the area's data (bumped in the writing transaction); the snapshot is current
    while `computed_version` equals it and it was computed today (figures such as this month's visits depend on
    the date). `data` holds the dashboard per language code, since its labels are translated text.
    """

    class Kind(models.TextChoices):
        COUNTY = "county", _("县（市）")
        TOWNSHIP = "township", _("乡镇（街道）")
        VILLAGE = "village", _("行政村")

    kind = models.CharField(_("区域级别"), max_length=10, choices=Kind.choices)
    area_id = models.PositiveIntegerField(_("区域 ID"))
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", verbose_name=_("县（市）"))
    version = models.PositiveBigIntegerField(_("数据版本"), default=0)
    computed_version = models.BigIntegerField(_("统计时的数据版本"), default=-1)
    computed_at = models.DateTimeField(_("统计时间"), null=True, blank=True)
    data = models.JSONField(_("统计结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        constraints = [models.UniqueConstraint(fields=["kind", "area_id"], name="snapshot_one_per_area",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("该地区已有统计快照。"))]
        indexes = [models.Index(fields=["county"], name="snapshot_county")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_id}"
