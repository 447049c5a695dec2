"""Units, cadres, their assignments to villages, trainings, promotions, attendance and reports."""

import calendar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from povertyboard.access import RestrictedManager
from povertyboard.db import DateDigits, prefix_index


class Unit(models.Model):
    """An organisation that dispatches cadres (派出单位) or helps households (帮扶单位)."""

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("党政机关")
        INSTITUTION = "institution", _("事业单位")
        MILITARY_POLICE = "military_police", _("军警部队")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL = "social", _("社会组织")

    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, related_name="units",
                               verbose_name=_("县（市）"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["county__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="unit_unique_name",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("本县（市）已有同名的单位。"))]

    def __str__(self):
        return self.name


class Cadre(models.Model):
    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, related_name="cadres",
                               verbose_name=_("县（市）"))
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="cadres",
                             verbose_name=_("派出单位"))
    post = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cadre", verbose_name=_("登录账号"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["county__code", "name"]
        indexes = [prefix_index("cadre", "name"), models.Index(fields=["phone"], name="cadre_phone")]  # search

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A cadre's assignment to a village, in one role, for a span of dates."""

    class Role(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("第一书记")
        TEAM_LEADER = "team_leader", _("工作队长")
        TEAM_MEMBER = "team_member", _("工作队员")
        SECONDMENT = "secondment", _("挂职干部")
        CITY_LEADER = "city_leader", _("联点市级领导")
        COUNTY_LEADER = "county_leader", _("联点县级领导")

    # Roles that live in the village and file monthly attendance (驻村).
    RESIDENT_ROLES = (Role.FIRST_SECRETARY, Role.TEAM_LEADER, Role.TEAM_MEMBER)

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("干部"))
    village = models.ForeignKey("villages.Village", on_delete=models.PROTECT, related_name="assignments",
                                verbose_name=_("行政村"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    county_path = "village__county"
    village_path = "village"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("驻村任职")
        verbose_name_plural = _("驻村任职")
        ordering = ["village__code", "role", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_after_start",
                violation_error_code="invalid", violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.UniqueConstraint(fields=["cadre", "village", "role", "start_date"],
                                    name="assignment_unique",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部在这个村已有同一天开始的同一职务。")),
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_role_display()} {self.village}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
        if self.cadre_id and self.village_id and self.village.township.county_id != self.cadre.county_id:
            raise ValidationError({"village": _("行政村不在该干部所属县（市）。")})


class Training(models.Model):
    class Kind(models.TextChoices):
        PRE_POST = "pre_post", _("岗前培训")
        THEMATIC = "thematic", _("专题轮训")
        OBSERVATION = "observation", _("观摩集训")
        PRACTICE = "practice", _("实践验训")

    county = models.ForeignKey("villages.County", on_delete=models.PROTECT, related_name="trainings",
                               verbose_name=_("县（市）"))
    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("日期"))
    days = models.PositiveSmallIntegerField(_("天数"), default=1)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    county_path = "county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["county__code", "start_date"]
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="training_days_positive",
                                              violation_error_code="invalid",
                                              violation_error_message=_("培训天数应大于0。"))]

    def __str__(self):
        return self.title


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendances",
                                 verbose_name=_("培训"))
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="training_attendances",
                              verbose_name=_("干部"))

    county_path = "training__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [models.UniqueConstraint(fields=["training", "cadre"], name="attendance_once",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("该干部已登记参加这次培训。"))]

    def __str__(self):
        return f"{self.cadre} @ {self.training}"


class Promotion(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="promotions",
                              verbose_name=_("干部"))
    date = models.DateField(_("日期"))
    from_post = models.CharField(_("原职务"), max_length=100)
    to_post = models.CharField(_("新职务"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    county_path = "cadre__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("提拔使用")
        verbose_name_plural = _("提拔使用")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.cadre} {self.to_post}"


class AttendanceReport(models.Model):
    """考勤月报: one per cadre and month (month is stored as its first day)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="attendance_reports",
                              verbose_name=_("干部"))
    month = models.DateField(_("月份"))
    required_days = models.PositiveSmallIntegerField(_("应驻村天数"))
    days_present = models.PositiveSmallIntegerField(_("实际驻村天数"))
    leave_days = models.PositiveSmallIntegerField(_("请假天数"), default=0)
    reported_outings = models.PositiveSmallIntegerField(_("报备外出天数"), default=0)
    unreported_absences = models.PositiveSmallIntegerField(_("未报备离岗天数"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    locked = models.BooleanField(_("已锁定"), default=False)

    county_path = "cadre__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("考勤月报")
        verbose_name_plural = _("考勤月报")
        ordering = ["cadre", "month"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "month"], name="attendance_one_per_month",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部这个月的考勤月报已经填报过，请修改原报告。")),
            models.CheckConstraint(
                condition=Exact(Substr(DateDigits("month"), 7, 2), "01"), name="attendance_month_is_first_day",
                violation_error_code="invalid", violation_error_message=_("月份须记为当月1日。")
            ),
            models.CheckConstraint(
                condition=Q(required_days__lte=31, days_present__lte=31), name="attendance_days_in_month",
                violation_error_code="invalid", violation_error_message=_("应驻村天数和实际驻村天数都不能超过31天。")
            ),
            models.CheckConstraint(
                condition=Q(
                    days_present__lte=31 - F("leave_days") - F("reported_outings") - F("unreported_absences")
                ),
                name="attendance_days_add_up",
                violation_error_code="invalid",
                violation_error_message=_("驻村、请假、报备外出与未报备离岗天数合计不能超过31天。"),
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.month:%Y-%m}"

    def clean(self):
        if not self.month:
            return
        errors = {}
        if self.month.day != 1:
            self.month = self.month.replace(day=1)
        days_in_month = calendar.monthrange(self.month.year, self.month.month)[1]
        used = sum(v or 0 for v in (self.days_present, self.leave_days, self.reported_outings,
                                     self.unreported_absences))
        if used > days_in_month:
            errors["days_present"] = _("驻村、请假、外出与离岗天数合计 %(used)s 天，超过本月 %(days)s 天。") % {
                "used": used, "days": days_in_month}
        if self.required_days and self.required_days > days_in_month:
            errors["required_days"] = _("应驻村天数超过本月 %(days)s 天。") % {"days": days_in_month}
        if errors:
            raise ValidationError(errors)


class AnnualCommitment(models.Model):
    """年承诺."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="commitments",
                              verbose_name=_("干部"))
    year = models.PositiveSmallIntegerField(_("年度"))
    content = models.TextField(_("承诺内容"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    county_path = "cadre__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("年度承诺")
        verbose_name_plural = _("年度承诺")
        ordering = ["cadre", "year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="commitment_one_per_year",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("该干部这一年的承诺书已经填报过，请修改原承诺书。"))]

    def __str__(self):
        return f"{self.cadre} {self.year}"


class QuarterlyReport(models.Model):
    """季报告."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="quarterly_reports",
                              verbose_name=_("干部"))
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    content = models.TextField(_("报告内容"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    county_path = "cadre__county"
    objects = RestrictedManager()

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        ordering = ["cadre", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year", "quarter"], name="quarterly_one_per_quarter",
                                    violation_error_code="unique_together",
                                    violation_error_message=_("该干部这个季度的季度报告已经填报过，请修改原报告。")),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarterly_quarter_1_4",
                                   violation_error_code="invalid", violation_error_message=_("季度应在1到4之间。")),
        ]

    def __str__(self):
        return f"{self.cadre} {self.year}Q{self.quarter}"
