"""The 331 assessment: periods with their own rules, inputs, and the scorecards computed from them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from povertyboard.access import RestrictedManager


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class AssessmentPeriod(models.Model):
    """A period and the rules it is scored by; rules are data, frozen once the period is closed."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年度")
        QUARTER = "quarter", _("季度")

    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, related_name="periods",
                               verbose_name=_("县（市）"))
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    weight_attendance = models.PositiveSmallIntegerField(_("考勤权重（份）"), default=3)
    weight_duty = models.PositiveSmallIntegerField(_("履职权重（份）"), default=3)
    weight_satisfaction = models.PositiveSmallIntegerField(_("满意度权重（份）"), default=4)
    bonus_cap = models.DecimalField(_("加分上限"), max_digits=5, decimal_places=2, default=Decimal("10"))
    absence_deduction = models.DecimalField(_("未报备离岗每天扣分"), max_digits=5, decimal_places=2,
                                            default=Decimal("2"))
    required_days_per_month = models.PositiveSmallIntegerField(_("每月应驻村天数"), default=20)
    basic_satisfied_factor = models.DecimalField(_("基本满意折算系数"), max_digits=3, decimal_places=2,
                                                 default=Decimal("0.6"))
    threshold_excellent = models.DecimalField(_("优秀分数线"), max_digits=5, decimal_places=2,
                                              default=Decimal("90"))
    threshold_competent = models.DecimalField(_("称职分数线"), max_digits=5, decimal_places=2,
                                              default=Decimal("75"))
    threshold_basic = models.DecimalField(_("基本称职分数线"), max_digits=5, decimal_places=2,
                                          default=Decimal("60"))
    closed = models.BooleanField(_("已结束"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("考核期")
        verbose_name_plural = _("考核期")
        ordering = ["county__code", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="period_unique_name",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("本县（市）已有同名的考核期。")),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="period_end_after_start",
                                   violation_error_code="invalid",
                                   violation_error_message=_("结束日期不能早于开始日期。")),
            models.CheckConstraint(
                condition=Q(weight_attendance=10 - F("weight_duty") - F("weight_satisfaction")),
                name="period_weights_sum_10",
                violation_error_code="invalid", violation_error_message=_("三项权重之和应为10。"),
            ),
            models.CheckConstraint(
                condition=Q(threshold_excellent__gt=F("threshold_competent"))
                & Q(threshold_competent__gt=F("threshold_basic"))
                & Q(threshold_basic__gte=0) & Q(threshold_excellent__lte=100),
                name="period_thresholds_ordered",
                violation_error_code="invalid",
                violation_error_message=_("等次分数线应为：0 ≤ 基本称职 < 称职 < 优秀 ≤ 100。"),
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__gte=0, absence_deduction__gte=0), name="period_rules_non_negative",
                violation_error_code="invalid", violation_error_message=_("加分上限和缺勤扣分不能为负数。")
            ),
            models.CheckConstraint(
                condition=Q(basic_satisfied_factor__gte=0, basic_satisfied_factor__lte=1),
                name="period_basic_factor_0_1",
                violation_error_code="invalid", violation_error_message=_("“基本满意”折算系数应在 0 到 1 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(required_days_per_month__gte=1, required_days_per_month__lte=31),
                name="period_required_days_1_31",
                violation_error_code="invalid", violation_error_message=_("每月应驻村天数应在 1 到 31 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.name}"

    def clean(self):
        if self.pk and AssessmentPeriod.objects.filter(pk=self.pk, closed=True).exists():
            raise ValidationError(_("考核期已结束，规则已冻结，不能修改。"))
        errors = {}
        total = sum(w or 0 for w in (self.weight_attendance, self.weight_duty, self.weight_satisfaction))
        if total != 10:
            errors["weight_satisfaction"] = _("三项权重之和应为10份，现为 %(total)s 份。") % {"total": total}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期。")
        thresholds = (self.threshold_basic, self.threshold_competent, self.threshold_excellent)
        if None not in thresholds and not (thresholds[0] < thresholds[1] < thresholds[2]):
            errors["threshold_excellent"] = _("分数线应满足：基本称职 < 称职 < 优秀。")
        if errors:
            raise ValidationError(errors)


class PeriodInput(models.Model):
    """An input of one period's scoring; refused once the period is closed."""

    county_path = "period__county"
    objects = RestrictedManager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.period_id and self.period.closed:
            raise ValidationError(_("考核期“%(name)s”已结束，不能再录入或修改考核数据。") % {"name": self.period.name})


class DutyRating(PeriodInput):
    """履职评分: a supervisor's 0-100 rating from the commitments and quarterly reports."""

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="duty_ratings",
                               verbose_name=_("考核期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="duty_ratings",
                              verbose_name=_("干部"))
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              verbose_name=_("评分人"))
    rater_name = models.CharField(_("评分人姓名"), max_length=50)
    comment = models.TextField(_("评语"), blank=True)

    class Meta:
        verbose_name = _("履职评分")
        verbose_name_plural = _("履职评分")
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre"], name="duty_rating_once",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部在本考核期已有履职评分，请修改原评分。")),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="duty_rating_0_100",
                                   violation_error_code="invalid",
                                   violation_error_message=_("评分应在 0 到 100 之间。")),
        ]

    def __str__(self):
        return f"{self.cadre} {self.score}"


class SatisfactionSurvey(PeriodInput):
    """满意度测评: counts of answers from one group of respondents."""

    class Group(models.TextChoices):
        PARTY_MEMBERS = "party_members", _("党员")
        VILLAGERS = "villagers", _("群众")

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="surveys",
                               verbose_name=_("考核期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="surveys",
                              verbose_name=_("干部"))
    group = models.CharField(_("测评对象"), max_length=20, choices=Group.choices)
    satisfied = models.PositiveIntegerField(_("满意"))
    basically_satisfied = models.PositiveIntegerField(_("基本满意"))
    unsatisfied = models.PositiveIntegerField(_("不满意"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre", "group"], name="survey_once_per_group",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部在本考核期已有这一测评对象的满意度测评，请修改原测评。")),
            models.CheckConstraint(
                condition=Q(satisfied__gte=0, basically_satisfied__gte=0, unsatisfied__gte=0),
                name="survey_counts_non_negative",
                violation_error_code="invalid", violation_error_message=_("测评票数不能为负数。"),
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_group_display()}"


class BonusItem(PeriodInput):
    class Kind(models.TextChoices):
        COMMENDATION = "commendation", _("上级表彰表扬")
        OUTSTANDING_RESULTS = "outstanding_results", _("扶贫突出成效")
        MODEL_EXPERIENCE = "model_experience", _("典型经验亮点")

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("州（市）级")
        COUNTY = "county", _("县（市）级")

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="bonus_items",
                               verbose_name=_("考核期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="bonus_items",
                              verbose_name=_("干部"))
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    points = models.DecimalField(_("加分"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("加分项")
        verbose_name_plural = _("加分项")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0, points__lte=100), name="bonus_points_positive",
                                   violation_error_code="invalid",
                                   violation_error_message=_("加分应大于 0，且不超过 100。")),
        ]

    def __str__(self):
        return f"{self.cadre} +{self.points}"


class Veto(PeriodInput):
    """一票否决: the cadre is graded 不称职 whatever the total."""

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="vetoes",
                               verbose_name=_("考核期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="vetoes",
                              verbose_name=_("干部"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre"], name="veto_once",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部在本考核期已有一票否决记录，请修改原记录。")),
            models.CheckConstraint(condition=~Q(reason=""), name="veto_has_reason",
                                   violation_error_code="invalid", violation_error_message=_("一票否决须填写原因。")),
        ]

    def __str__(self):
        return f"{self.cadre} {self.reason}"


class Scorecard(models.Model):
    """A cadre's 331 score in a period, stored with its components; NULL component = input missing."""

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.CASCADE, related_name="scorecards",
                               verbose_name=_("考核期"))
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="scorecards",
                              verbose_name=_("干部"))
    attendance = models.DecimalField(_("考勤得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    duty = models.DecimalField(_("履职得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    satisfaction = models.DecimalField(_("满意度得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    bonus = models.DecimalField(_("加分"), max_digits=6, decimal_places=2, default=0)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices, blank=True)
    rank = models.PositiveIntegerField(_("县内排名"), null=True, blank=True)
    unit_rank = models.PositiveIntegerField(_("单位内排名"), null=True, blank=True)
    incomplete = models.BooleanField(_("数据不全"), default=False)
    missing = models.CharField(_("缺少的数据"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    county_path = "period__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("考核记分卡")
        verbose_name_plural = _("考核记分卡")
        ordering = ["period", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["period", "cadre"], name="scorecard_once",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部在本考核期已有记分卡。")),
            models.CheckConstraint(
                condition=~Q(incomplete=True) | Q(total__isnull=True), name="scorecard_incomplete_no_total",
                violation_error_code="invalid", violation_error_message=_("数据不全的记分卡不能有总分。")
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.total}"
