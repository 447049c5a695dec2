"""Writes by cadres about their own work: monthly attendance, annual commitments, quarterly reports.

Each service takes the acting user and asks the permission layer (povertyboard.access):
- a cadre files and edits reports for themselves only, and only while they are in the cadre role
  with a current assignment (`access.check_write_village` on one of their villages);
- a locked attendance report can no longer be edited (403);
- only supervisors (and administrators) lock reports, and only for cadres of their area (404 outside it).
Writes run in transactions and go through Model.save() so django-auditlog records them.
"""

import calendar
import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertyboard.access import access_of
from povertyboard.db import full_clean_and_save

from .models import AnnualCommitment, AttendanceReport, Cadre, QuarterlyReport

DEFAULT_REQUIRED_DAYS = 20  # AssessmentPeriod.required_days_per_month's default


def _own_cadre(user) -> Cadre:
    """The acting user's Cadre record, if they may write as a cadre (403 otherwise)."""
    access = access_of(user)
    if not access.is_cadre:
        raise PermissionDenied
    # The one check every write makes: the cadre has a village they currently work for.
    village = access.writable_villages().first()
    access.check_write_village(village.pk if village else None)
    return Cadre.objects.get(pk=access.cadre_id)


# Rules for a month's required days in the village, registered by the apps above that own them (the 331 assessment
# registers its period's setting, assessments/apps.py): cadres know nothing of assessments. The first rule that
# answers wins; without one, the default.
REQUIRED_DAYS_RULES: list[Callable[[Cadre, datetime.date], int | None]] = []


def required_days_for(cadre: Cadre, month: datetime.date) -> int:
    """Required days in the village for the month: the first registered rule's answer, else the default, at most
    the days of the month."""
    answers = (rule(cadre, month) for rule in REQUIRED_DAYS_RULES)
    required = next((days for days in answers if days is not None), DEFAULT_REQUIRED_DAYS)
    return min(required, calendar.monthrange(month.year, month.month)[1])


def check_month(cadre: Cadre, month: datetime.date, exclude_pk=None) -> datetime.date:
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("不能填报未来月份的考勤。")})
    duplicate = AttendanceReport.objects.filter(cadre=cadre, month=month).exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError({"month": _duplicate_month(month)})
    return month


def _duplicate_month(month: datetime.date) -> str:
    return _("%(month)s 的考勤月报已经填报过，请修改原报告。") % {"month": f"{month:%Y-%m}"}


def _save_report(report: AttendanceReport) -> None:
    """Validate and save; a twin report of the month, filed by a concurrent submit after check_month, is refused
    with check_month's field error."""
    full_clean_and_save(report, {"attendance_one_per_month": _duplicate_month(report.month)})


ATTENDANCE_FIELDS = ("days_present", "leave_days", "reported_outings", "unreported_absences")


@transaction.atomic
def create_attendance_report(*, user, month: datetime.date, days_present: int, leave_days: int = 0,
                             reported_outings: int = 0, unreported_absences: int = 0) -> AttendanceReport:
    cadre = _own_cadre(user)
    month = check_month(cadre, month)
    report = AttendanceReport(
        cadre=cadre, month=month, required_days=required_days_for(cadre, month), days_present=days_present,
        leave_days=leave_days, reported_outings=reported_outings, unreported_absences=unreported_absences,
        submitted_at=timezone.now(),
    )
    _save_report(report)
    return report


def _writable_report(user, report: AttendanceReport) -> AttendanceReport:
    """The stored report, locked for update, if the user may still edit it (403 otherwise)."""
    cadre = _own_cadre(user)
    current = AttendanceReport.objects.select_for_update().get(pk=report.pk)
    if current.cadre_id != cadre.pk or current.locked:
        raise PermissionDenied
    return current


@transaction.atomic
def update_attendance_report(*, user, report: AttendanceReport, **fields) -> AttendanceReport:
    """Change an unlocked report of the user's own (month, days present, leave, outings, absences)."""
    unknown = set(fields) - {"month", *ATTENDANCE_FIELDS}
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    current = _writable_report(user, report)
    if "month" in fields:
        fields["month"] = check_month(current.cadre, fields["month"], exclude_pk=current.pk)
        if fields["month"] != current.month:
            current.required_days = required_days_for(current.cadre, fields["month"])
    for name, value in fields.items():
        setattr(current, name, value)
    current.submitted_at = timezone.now()
    _save_report(current)
    return current


@transaction.atomic
def lock_attendance_report(*, user, report: AttendanceReport) -> AttendanceReport:
    """A supervisor locks a submitted report; the cadre can no longer edit it."""
    access = access_of(user)
    current = AttendanceReport.objects.select_for_update().select_related("cadre").get(pk=report.pk)
    if not access.can_read_county(current.cadre.county_id):
        raise Http404
    if not access.is_supervisor:
        raise PermissionDenied
    if not current.locked:
        current.locked = True
        current.save()
    return current


FIRST_REPORT_YEAR = 2000


def check_report_year(year: int) -> None:
    """Commitments and quarterly reports are filed for 2000 up to next year (the site's pages: 404 outside)."""
    last = timezone.localdate().year + 1
    if not FIRST_REPORT_YEAR <= year <= last:
        raise ValidationError({"year": _("年度须在 %(first)s 至 %(last)s 之间。") % {
            "first": FIRST_REPORT_YEAR, "last": last}})


@transaction.atomic
def save_commitment(*, user, year: int, content: str) -> AnnualCommitment:
    """Create or update the user's annual commitment (年承诺) for `year`."""
    cadre = _own_cadre(user)
    check_report_year(year)
    commitment = AnnualCommitment.objects.select_for_update().filter(cadre=cadre, year=year).first()
    commitment = commitment or AnnualCommitment(cadre=cadre, year=year)
    commitment.content = content
    commitment.submitted_at = timezone.now()
    # no row to lock yet when two first submits of the year race: the second is refused, not a 500
    full_clean_and_save(commitment, {"commitment_one_per_year": _(
        "%(year)s 年度承诺刚刚已由另一次提交保存，您的内容没有保存，请刷新后核对。") % {"year": year}})
    return commitment


@transaction.atomic
def save_quarterly_report(*, user, year: int, quarter: int, content: str) -> QuarterlyReport:
    """Create or update the user's quarterly report (季报告) for `year` Q`quarter`."""
    cadre = _own_cadre(user)
    check_report_year(year)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度须为 1 至 4。")})
    if (year, quarter) > current_quarter():
        raise ValidationError({"content": _("季度尚未开始，不能提交报告。")})
    report = QuarterlyReport.objects.select_for_update().filter(cadre=cadre, year=year, quarter=quarter).first()
    report = report or QuarterlyReport(cadre=cadre, year=year, quarter=quarter)
    report.content = content
    report.submitted_at = timezone.now()
    full_clean_and_save(report, {"quarterly_one_per_quarter": _(
        "%(year)s 年第 %(quarter)s 季度报告刚刚已由另一次提交保存，您的内容没有保存，请刷新后核对。")
        % {"year": year, "quarter": quarter}})
    return report


def current_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1
