"""The 331 assessment's writes: periods, scoring inputs, and scoring (DESIGN.md "The 331 cadre scorecard").

`score_period` scores every cadre of a period in a fixed number of queries, whatever the number of
cadres: it reads each kind of input once, computes in Python, upserts the scorecards in one
statement and records the change history of the scorecards in one more.

The site's forms and the API write periods and inputs through the same services (`create_period`,
`close_period`, `save_rules`, `save_input`, `delete_input`): each takes the acting user and lets only
supervisors (and administrators) of the period's county write (403; 404 outside their area); each locks the
period row and re-reads it, so no rule or input change slips in while the period is being closed.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum, UniqueConstraint
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import Assignment, AttendanceReport, Cadre
from povertyboard.access import access_of
from povertyboard.db import copy_rows
from povertyboard.exports import resource_lookups, write_xlsx

from .models import AssessmentPeriod, BonusItem, DutyRating, Grade, PeriodInput, SatisfactionSurvey, Scorecard, Veto
from .resources import ScorecardResource

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
EXPORT_CHUNK = 2000  # rows fetched at a time by the export
SCORED_FIELDS = ("attendance", "duty", "satisfaction", "bonus", "total", "grade", "rank", "unit_rank",
                 "incomplete", "missing")


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def period_months(period: AssessmentPeriod) -> list[datetime.date]:
    """The first day of every month the period touches."""
    months, month = [], period.start_date.replace(day=1)
    while month <= period.end_date:
        months.append(month)
        month = (month + datetime.timedelta(days=calendar.monthrange(month.year, month.month)[1]))
    return months


def _resident_assignments(period: AssessmentPeriod):
    """Resident assignments (第一书记 / 工作队) to a village of the period's county, at any time."""
    return Assignment.objects.in_county(period.county_id).filter(role__in=Assignment.RESIDENT_ROLES)


def _scored_cadre_ids(period: AssessmentPeriod):
    """The ids of cadres_of(period), as a subquery: the inputs are read for them without sending their ids (500
    in a 5,000-household county) as array parameters."""
    return _resident_assignments(period).filter(start_date__lte=period.end_date).exclude(
        end_date__lt=period.start_date).values("cadre")


def cadres_of(period: AssessmentPeriod):
    """Cadres resident in a village of the period's county at some time in the period."""
    return Cadre.objects.filter(pk__in=_scored_cadre_ids(period)).order_by("pk")


def _month_spans(period: AssessmentPeriod) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of every month the period touches."""
    return [(m, m.replace(day=calendar.monthrange(m.year, m.month)[1])) for m in period_months(period)]


def _expected_months(months: list[tuple], spans: list[tuple]) -> list[datetime.date]:
    """The months (from `_month_spans`) in which the cadre held a resident assignment (so a report is due)."""
    return [month for month, month_end in months
            if any(start <= month_end and (end is None or end >= month) for start, end in spans)]


def attendance_score(period: AssessmentPeriod, reports: dict, due: list) -> Decimal | None:
    """Mean over the due months of 100 × min(1, present / required), minus the absence deduction.

    `reports` maps a month to its report's (days present, unreported absence days)."""
    if not due or any(m not in reports for m in due):
        return None
    required = Decimal(period.required_days_per_month)
    shares = [min(Decimal(1), Decimal(reports[m][0]) / required) for m in due]
    absences = sum(reports[m][1] for m in due)
    score = HUNDRED * sum(shares) / len(shares) - period.absence_deduction * absences
    return _round(max(Decimal(0), score))


def satisfaction_score(period: AssessmentPeriod, answers) -> Decimal | None:
    """100 × (satisfied + factor × basically satisfied) / responses; `answers` are the (satisfied, basically
    satisfied, unsatisfied) counts summed over every group surveyed."""
    satisfied, basic, unsatisfied = answers
    responses = satisfied + basic + unsatisfied
    if not responses:
        return None
    return _round(HUNDRED * (satisfied + period.basic_satisfied_factor * basic) / responses)


def grade_of(period: AssessmentPeriod, total: Decimal | None, vetoed: bool) -> str:
    if vetoed:
        return Grade.INCOMPETENT
    if total is None:
        return ""
    if total >= period.threshold_excellent:
        return Grade.EXCELLENT
    if total >= period.threshold_competent:
        return Grade.COMPETENT
    if total >= period.threshold_basic:
        return Grade.BASIC
    return Grade.INCOMPETENT


NO_ANSWERS = (0, 0, 0)  # a cadre nobody answered a survey about


@dataclass
class _Inputs:
    """Every input of a period, read once as plain values (no model instances) and grouped by cadre id."""

    spans: dict = field(default_factory=lambda: defaultdict(list))  # [(start, end)]
    reports: dict = field(default_factory=lambda: defaultdict(dict))  # {month: (present, absences)}
    duty: dict = field(default_factory=dict)
    surveys: dict = field(default_factory=dict)  # [satisfied, basically satisfied, unsatisfied] over the groups
    bonus: dict = field(default_factory=lambda: defaultdict(Decimal))
    vetoes: dict = field(default_factory=dict)


def _read_inputs(period: AssessmentPeriod) -> _Inputs:
    """Unordered (order_by()): the models' orderings join the cadre and county and sort by name, most of the
    time of reading a county's monthly reports, while the inputs are grouped by cadre and need no order
    (bench/HISTORY.md, "seventh machine")."""
    inputs = _Inputs()
    scored = _scored_cadre_ids(period)
    for cadre_id, start, end in _resident_assignments(period).filter(cadre__in=scored).order_by().values_list(
            "cadre_id", "start_date", "end_date"):
        inputs.spans[cadre_id].append((start, end))
    for cadre_id, month, present, absences in AttendanceReport.objects.filter(
        cadre__in=scored, month__gte=period.start_date.replace(day=1), month__lte=period.end_date,
    ).order_by().values_list("cadre_id", "month", "days_present", "unreported_absences"):
        inputs.reports[cadre_id][month] = (present, absences)
    inputs.duty = dict(DutyRating.objects.filter(period=period).order_by().values_list("cadre_id", "score"))
    inputs.surveys = {cadre_id: answers for cadre_id, *answers in (
        SatisfactionSurvey.objects.filter(period=period).values("cadre_id")
        .annotate(s=Sum("satisfied"), b=Sum("basically_satisfied"), u=Sum("unsatisfied"))
        .values_list("cadre_id", "s", "b", "u")
    )}
    for cadre_id, points in BonusItem.objects.filter(period=period).order_by().values_list("cadre_id", "points"):
        inputs.bonus[cadre_id] += points
    inputs.vetoes = dict(Veto.objects.filter(period=period).order_by().values_list("cadre_id", "reason"))
    return inputs


def _score_one(period: AssessmentPeriod, months: list[tuple], cadre: Cadre, inputs: _Inputs, now) -> Scorecard:
    due = _expected_months(months, inputs.spans[cadre.pk])
    reports = inputs.reports[cadre.pk]
    missing = [_("考勤月报 %(month)s") % {"month": f"{m:%Y-%m}"} for m in due if m not in reports]
    attendance = attendance_score(period, reports, due)
    duty = inputs.duty.get(cadre.pk)
    if duty is None:
        missing.append(_("履职评分"))
    satisfaction = satisfaction_score(period, inputs.surveys.get(cadre.pk, NO_ANSWERS))
    if satisfaction is None:
        missing.append(_("满意度测评"))
    bonus = _round(min(period.bonus_cap, inputs.bonus[cadre.pk]))
    incomplete = bool(missing)
    total = None
    if not incomplete:
        weighted = (period.weight_attendance * attendance + period.weight_duty * duty
                    + period.weight_satisfaction * satisfaction) / 10
        total = _round(weighted + bonus)
    return Scorecard(
        period=period, cadre=cadre, attendance=attendance, duty=duty, satisfaction=satisfaction, bonus=bonus,
        total=total, grade=grade_of(period, total, cadre.pk in inputs.vetoes), incomplete=incomplete,
        missing="；".join(missing)[:200], computed_at=now,
    )


def _rank(cards: list[Scorecard], attr: str, vetoed: dict) -> None:
    """Competition ranking (1, 2, 2, 4) by total, vetoed cadres after the others; incomplete unranked."""
    ranked = sorted((c for c in cards if c.total is not None), key=lambda c: (c.cadre_id in vetoed, -c.total))
    previous, position = None, 0
    for index, card in enumerate(ranked, start=1):
        key = (card.cadre_id in vetoed, card.total)
        if key != previous:
            position, previous = index, key
        setattr(card, attr, position)
    for card in cards:
        if card.total is None:
            setattr(card, attr, None)


def _changes(old: dict | None, card: Scorecard) -> dict:
    """{field: [stored, computed]} over SCORED_FIELDS that differ (all of them for a new card), as strings."""
    return {
        name: [None if old is None else str(old[name]), str(getattr(card, name))]
        for name in SCORED_FIELDS
        if old is None or old[name] != getattr(card, name)
    }


def _log_changes(period, changed: list[tuple[Scorecard, dict, bool]], actor) -> None:
    """One history entry per created or changed scorecard, all written by one copy_rows (COPY on PostgreSQL:
    a first scoring logs an entry per card, and bulk_create's arrays of texts psycopg escapes in Python, element
    by element: bench/HISTORY.md, "seventh machine"); `changed` holds each card with its _changes and whether
    it is new."""
    content_type = ContentType.objects.get_for_model(Scorecard)
    copy_rows(LogEntry, [
        dict(content_type=content_type, object_pk=str(card.pk), object_id=card.pk, object_repr=str(card),
             action=LogEntry.Action.CREATE if new else LogEntry.Action.UPDATE, changes=changes, actor=actor,
             additional_data={"period": period.pk, "service": "score_period"}, timestamp=timezone.now())
        for card, changes, new in changed
    ])


def _stored_values(period: AssessmentPeriod) -> dict:
    """The period's stored scorecards as {cadre id: {field: value}} over "id" and SCORED_FIELDS."""
    return {row["cadre_id"]: row
            for row in Scorecard.objects.filter(period=period).order_by().values("id", "cadre_id", *SCORED_FIELDS)}


@transaction.atomic
def score_period(period: AssessmentPeriod, actor=None) -> list[Scorecard]:
    """(Re)compute and store every scorecard of the period; a re-run updates, never duplicates.

    Returns the stored scorecards (with their primary keys) by rank, unranked ones last, then cadre."""
    period = AssessmentPeriod.objects.select_for_update().get(pk=period.pk)
    if period.closed:
        raise ValidationError(_("考核期“%(name)s”已结束，记分卡已冻结，不能重新计算。") % {"name": period.name})
    cadres = list(cadres_of(period))
    inputs = _read_inputs(period)
    now, months = timezone.now(), _month_spans(period)
    cards = [_score_one(period, months, cadre, inputs, now) for cadre in cadres]
    _rank(cards, "rank", inputs.vetoes)
    by_unit = defaultdict(list)
    for card in cards:
        by_unit[card.cadre.unit_id].append(card)
    for unit_id, unit_cards in by_unit.items():
        if unit_id is not None:  # a cadre with no dispatching unit has no unit rank
            _rank(unit_cards, "unit_rank", inputs.vetoes)

    before = _stored_values(period)
    changed = []
    for card in cards:
        old = before.get(card.cadre_id)
        if old is not None:
            card.pk = old["id"]
        if changes := _changes(old, card):
            changed.append((card, changes, old is None))
    # the cadres scored, not the subquery again: an assignment ended meanwhile must not delete a card returned
    Scorecard.objects.filter(period=period).exclude(cadre__in=[c.pk for c in cadres]).delete()
    if len(changed) < len(cards):  # a re-run changes few cards: the others only get the new computation time
        unchanged = Scorecard.objects.filter(period=period)
        if changed:
            unchanged = unchanged.exclude(cadre__in=[card.cadre_id for card, *_ in changed])
        unchanged.update(computed_at=now)
    Scorecard.objects.bulk_create(
        [card for card, *_ in changed], update_conflicts=True, unique_fields=["period", "cadre"],
        update_fields=[*SCORED_FIELDS, "computed_at"],
    )
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.cadre_id))
    _log_changes(period, changed, actor)
    return cards


def _check_supervisor(user, county_id: int) -> None:
    """Only supervisors (and administrators) write assessments, in their own counties."""
    access = access_of(user)
    if not access.can_read_county(county_id):
        raise Http404
    if not access.is_supervisor:
        raise PermissionDenied


def _full_clean(row) -> None:
    """row.full_clean(), with a clash on a unique constraint (another row with the same period and cadre, or
    county and name) reported on the constraint's last field instead of on the whole row."""
    try:
        row.full_clean()
    except ValidationError as error:
        errors = error.error_dict
        last_field = {str(c.get_violation_error_message()): c.fields[-1] for c in row._meta.constraints
                      if isinstance(c, UniqueConstraint) and c.fields}
        for clash in [e for e in errors.get(NON_FIELD_ERRORS, []) if str(e.message) in last_field]:
            errors[NON_FIELD_ERRORS].remove(clash)
            errors.setdefault(last_field[str(clash.message)], []).append(clash)
        raise ValidationError({name: messages for name, messages in errors.items() if messages}) from None


@transaction.atomic
def create_period(*, user, period: AssessmentPeriod) -> AssessmentPeriod:
    """Open a new (unsaved) period with its rules in one of the user's counties."""
    _check_supervisor(user, period.county_id)
    _full_clean(period)
    period.save()
    return period


def _locked_period(user, period_id: int) -> AssessmentPeriod:
    """The period as stored now, its row locked until the transaction ends: close, rules and inputs take this
    lock, so each of them sees the others' outcome (a closed period) instead of racing past it."""
    period = AssessmentPeriod.objects.select_for_update().select_related("county").get(pk=period_id)
    _check_supervisor(user, period.county_id)
    return period


@transaction.atomic
def close_period(*, user, period: AssessmentPeriod) -> AssessmentPeriod:
    """Close the period: its rules, inputs and scorecards are frozen from now on. Closing it again is a no-op."""
    period = _locked_period(user, period.pk)
    if not period.closed:
        period.closed = True
        period.save(update_fields=["closed"])
    return period


RULE_FIELDS = ("weight_attendance", "weight_duty", "weight_satisfaction", "bonus_cap", "absence_deduction",
               "required_days_per_month", "basic_satisfied_factor", "threshold_excellent", "threshold_competent",
               "threshold_basic")


@transaction.atomic
def save_rules(*, user, period: AssessmentPeriod, **rules) -> AssessmentPeriod:
    """Change an open period's rules (RULE_FIELDS). The caller's instance may be stale (loaded before someone
    closed the period): the stored row is locked and re-read, and only the rule fields are written, so a rules
    save never writes `closed` back."""
    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"not rules: {sorted(unknown)}")
    current = _locked_period(user, period.pk)
    if current.closed:
        raise ValidationError(_("考核期已结束，规则已冻结，不能修改。"))
    for name, value in rules.items():
        setattr(current, name, value)
    _full_clean(current)
    current.save(update_fields=list(rules))
    return current


@transaction.atomic
def save_input(*, user, row: PeriodInput) -> PeriodInput:
    """Store a new or changed scoring input (履职评分, 满意度测评, 加分项, 一票否决) of an open period.

    The cadre must be one of the period's (`cadres_of`); values, the closed period and a second row where
    one is allowed are refused with the model's messages. A duty rating records the user as its rater.
    """
    row.period = _locked_period(user, row.period_id)
    row.clean()  # a closed period refuses the input whatever its values
    errors = {}
    if row.cadre_id is not None and not cadres_of(row.period).filter(pk=row.cadre_id).exists():
        errors["cadre"] = [_("只能选择本考核期内在本县驻村的干部。")]
    if isinstance(row, DutyRating):
        row.rater = user
    try:
        _full_clean(row)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    row.save()
    return row


@transaction.atomic
def delete_input(*, user, row: PeriodInput) -> None:
    """Delete a scoring input of an open period."""
    row.period = _locked_period(user, row.period_id)
    row.clean()  # refuses a closed period
    row.delete()


def export_scorecards(period: AssessmentPeriod, rows) -> bytes:
    """The scorecards (`rows`: `selectors.scorecards(period)`, filtered or not) as an .xlsx workbook with the
    columns of `ScorecardResource`, streamed from `values_list()` (povertyboard.exports.write_xlsx): a heading
    row (county, period, date of export), then the header, frozen and filtered, numbers as numeric cells, missing
    values as empty cells, widths set, text such as a name "=HYPERLINK(...)" as a text cell, printed on A4
    landscape one page wide; one query whatever the number of rows."""
    resource = ScorecardResource(period)
    values = rows.values_list(*resource_lookups(resource)).iterator(chunk_size=EXPORT_CHUNK)
    heading = _("%(county)s %(period)s 331考核记分卡（导出日期 %(date)s）") % {
        "county": period.county.name, "period": period.name, "date": timezone.localdate().isoformat()}
    return write_xlsx(resource, values, title=f"{period.county.name}{period.name}", heading=heading)


def period_required_days(cadre: Cadre, month: datetime.date) -> int | None:
    """The required days per month of the cadre's county's assessment period covering the month (the latest one
    starting), or None when no period covers it; registered as a cadres.services.REQUIRED_DAYS_RULES rule."""
    period = (AssessmentPeriod.objects.filter(county_id=cadre.county_id, start_date__lte=month, end_date__gte=month)
              .order_by("-start_date").only("required_days_per_month").first())
    return period.required_days_per_month if period else None
