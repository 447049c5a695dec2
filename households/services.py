"""Writes to the registry made by cadres: assistance measures and visits.

Every service takes the acting user and asks the one permission layer (povertyboard.access) whether
that user may write for the village concerned — a view is never the only guard. Writes run in a
transaction and go through Model.save() so that django-auditlog records who changed what.

Measures carry an optimistic-lock `version`: a write names the version its form was loaded with and
is refused (StaleMeasure) if someone else has saved the measure since — no lost updates.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertyboard.access import access_of

from .models import Household, Measure, Visit

# The largest amount (yuan) a single measure may carry. The biggest items in the two reports are
# village projects of a few million yuan; ten million is far above any household or village
# measure, so anything larger is a typing error (an extra zero or two), not a real measure.
MAX_MEASURE_AMOUNT = Decimal("10000000")


class StaleMeasure(Exception):
    """The measure was changed by someone else since the form was loaded."""

    def __init__(self, current: Measure):
        super().__init__(f"measure {current.pk} is at version {current.version}")
        self.current = current


def amount_ceiling_message() -> str:
    return _("金额超过上限 %(max)s 元，请核对。") % {"max": f"{MAX_MEASURE_AMOUNT:,.0f}"}


CENT = Decimal("0.01")


def money(amount):
    """Amounts are stored (and logged in the history) with two decimals: 3500 → 3500.00."""
    return None if amount is None else Decimal(amount).quantize(CENT)


def validate_amount(amount) -> None:
    if amount is None:
        return
    if amount < 0:
        raise ValidationError({"amount": _("金额不能为负数。")})
    if amount > MAX_MEASURE_AMOUNT:
        raise ValidationError({"amount": amount_ceiling_message()})


def validate_not_future(field: str, date: datetime.date | None) -> None:
    if date and date > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})


def _check_household_in_village(household: Household | None, village_id: int) -> None:
    if household is not None and household.village_id != village_id:
        raise ValidationError({"household": _("该贫困户不属于所选行政村。")})


def _responsible_cadre(user):
    from cadres.models import Cadre

    cadre_id = access_of(user).cadre_id
    return Cadre.objects.get(pk=cadre_id) if cadre_id else None


@transaction.atomic
def create_measure(*, user, village, household=None, category: str, title: str, planned_date: datetime.date,
                   amount: Decimal = Decimal(0), responsible=None) -> Measure:
    """A planned measure for a household of `village`, or for the whole village when household is None."""
    access_of(user).check_write_village(village.pk)
    _check_household_in_village(household, village.pk)
    validate_amount(amount)
    amount = money(amount)
    measure = Measure(
        village=village, household=household, category=category, title=title, planned_date=planned_date,
        amount=amount, responsible=responsible or _responsible_cadre(user), status=Measure.Status.PLANNED,
    )
    measure.full_clean()
    measure.save()
    return measure


def _claim(measure: Measure, version: int) -> Measure:
    """Bump the row's version if it is still `version`; otherwise refuse with the current row.

    The conditional UPDATE is atomic in the database, so of two writers holding the same version
    exactly one wins; the caller then saves its fields (through save(), for the audit log).
    """
    claimed = Measure.objects.filter(pk=measure.pk, version=version).update(version=version + 1)
    if not claimed:
        raise StaleMeasure(Measure.objects.select_related("village", "household").get(pk=measure.pk))
    measure.version = version + 1
    return measure


def _current(user, measure: Measure, version: int) -> Measure:
    """The measure as stored now (the caller's instance may hold unsaved form values), if the user may write it.

    Refused at once when it is no longer at `version`; `_claim` closes the race that remains.
    """
    current = Measure.objects.select_related("village", "household").get(pk=measure.pk)
    access_of(user).check_write_village(current.village_id)
    if current.version != version:
        raise StaleMeasure(current)
    return current


@transaction.atomic
def update_measure(*, user, measure: Measure, version: int, **fields) -> Measure:
    """Change a measure's household, category, title, amount or planned date."""
    allowed = {"household", "category", "title", "amount", "planned_date", "responsible"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    current = _current(user, measure, version)
    if current.status == Measure.Status.CANCELLED:
        raise ValidationError(_("已取消的措施不能再修改。"))
    _check_household_in_village(fields.get("household", current.household), current.village_id)
    validate_amount(fields.get("amount"))
    if "amount" in fields:
        fields["amount"] = money(fields["amount"])
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean(exclude=["version"])
    _claim(current, version)
    current.save()
    return current


@transaction.atomic
def implement_measure(*, user, measure: Measure, version: int, implemented_date: datetime.date,
                      amount: Decimal, evidence: str) -> Measure:
    """Mark a planned measure implemented on `implemented_date`, with the amount spent and the evidence."""
    current = _current(user, measure, version)
    errors = {}
    if current.status != Measure.Status.PLANNED:
        raise ValidationError(_("只有计划中的措施可以标记为已实施。"))
    for check in (lambda: validate_not_future("implemented_date", implemented_date),
                  lambda: validate_amount(amount)):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not (evidence or "").strip():
        errors["evidence"] = [_("请填写实施佐证。")]
    if errors:
        raise ValidationError(errors)
    current.status = Measure.Status.IMPLEMENTED
    current.implemented_date = implemented_date
    current.amount = money(amount)
    current.evidence = evidence.strip()
    current.full_clean(exclude=["version"])
    _claim(current, version)
    current.save()
    return current


@transaction.atomic
def cancel_measure(*, user, measure: Measure, version: int, reason: str) -> Measure:
    """Cancel a planned measure, giving the reason."""
    current = _current(user, measure, version)
    if current.status != Measure.Status.PLANNED:
        raise ValidationError(_("只有计划中的措施可以取消。"))
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": _("请填写取消原因。")})
    current.status = Measure.Status.CANCELLED
    current.cancel_reason = reason.strip()
    current.full_clean(exclude=["version"])
    _claim(current, version)
    current.save()
    return current


@transaction.atomic
def log_visit(*, user, household: Household, date: datetime.date, purpose: str, notes: str = "",
              kind: str = Visit.Kind.HOME_VISIT) -> Visit:
    """A cadre's visit to a household paired with a helper (结对帮扶) in one of the cadre's villages."""
    access = access_of(user)
    access.check_write_village(household.village_id)
    if access.cadre_id is None:
        raise PermissionDenied  # a visit is logged by the cadre who made it
    if not household.pairings.exists():
        raise ValidationError({"household": _("该户尚未结对帮扶。")})
    validate_not_future("date", date)
    visit = Visit(village_id=household.village_id, household=household, kind=kind, date=date,
                  cadre_id=access.cadre_id, purpose=purpose, notes=notes)
    visit.full_clean()
    visit.save()
    return visit
