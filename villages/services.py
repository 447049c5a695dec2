"""Writes of the villages app: loading a county's real divisions (load_divisions) and moving a fund allocation
through its six gates (六道关).

Divisions: a county's townships and villages come from an edition of the NBS codes (villages.divisions). A
unit is its code: loading a newer edition renames a unit in place, adds the new ones and marks those that
vanished inactive; no row is deleted or moved, so households, projects and assignments stay where they are.

A gate transition is an action, not a field edit: the allocation passes the next gate, and who moved it,
when and why is recorded (GateTransition), in one transaction. The move is a conditional UPDATE on the
gate the caller read, so two people advancing the same allocation at once cannot both succeed
(StaleAllocation for the second; the API answers 409).
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertyboard.access import access_of

from .divisions import DEFAULT_EDITION, CountyDivisions, DivisionError, county_divisions
from .models import County, FundAllocation, FundSource, Gate, GateTransition, Township, Village


@dataclass
class DivisionChanges:
    """What loading one county's divisions changed: the codes of the units added, renamed (to old and new name),
    inactivated and reactivated."""

    county: County
    edition: int
    added: list[str] = field(default_factory=list)
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)
    inactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.renamed or self.inactivated or self.reactivated)


def load_divisions(*, county_codes: Iterable[str], edition: int = DEFAULT_EDITION) -> list[DivisionChanges]:
    """Load the counties' townships and villages of `edition`; a second load of the same edition changes nothing.

    Every county code is looked up before anything is written (DivisionError names an unknown one)."""
    divisions = [county_divisions(code, edition) for code in dict.fromkeys(county_codes)]
    with transaction.atomic():
        return [_load_county(d) for d in divisions]


def _load_county(data: CountyDivisions) -> DivisionChanges:
    county, created = County.objects.get_or_create(
        code=data.code, defaults={"name": data.name, "prefecture": data.prefecture, "province": data.province},
    )
    changes = DivisionChanges(county=county, edition=data.edition)
    if created:
        changes.added.append(county.code)
    newer = (Township.objects.filter(county=county, division_edition__gt=data.edition)
             .aggregate(edition=Max("division_edition"))["edition"])
    if newer:
        raise DivisionError(
            f"{county.name}（{county.code}）已载入{newer}年版区划，不能以较旧的{data.edition}年版覆盖。"
        )
    if county.name != data.name:
        changes.renamed[county.code] = (county.name, data.name)
        county.name = data.name
        county.save(update_fields=["name"])
    townships = _load_units(
        changes, data, data.townships,
        existing=Township.objects.filter(county=county),
        new=lambda unit: Township(county=county),
    )
    _load_units(
        changes, data, data.villages,
        existing=Village.objects.filter(county=county).select_related("township"),
        new=lambda unit: Village(township=townships[unit.code[:9]]),
    )
    return changes


def _load_units(changes: DivisionChanges, data: CountyDivisions, units, *, existing, new) -> dict:
    """Township or village rows of the units, by code. A row the data made before (division_edition set) that the
    data no longer holds becomes inactive first, so a unit that moved to a new code may take its name back."""
    codes = {unit.code for unit in units}
    rows = {row.code: row for row in existing if row.code}
    for code, row in rows.items():
        if row.division_edition is not None and code not in codes and row.active:
            row.active = False
            row.save(update_fields=["active"])
            changes.inactivated.append(code)
    # A township entered by hand before the data was loaded (no code yet) is the data's unit of the same name.
    uncoded = {row.name: row for row in existing if not row.code} if existing.model is Township else {}
    for unit in units:
        row = rows.get(unit.code) or uncoded.pop(unit.name, None)
        if row is None:
            row = new(unit)
            changes.added.append(unit.code)
        elif row.name != unit.name:
            changes.renamed[unit.code] = (row.name, unit.name)
        if row.pk and not row.active:
            changes.reactivated.append(unit.code)
        wanted = {"code": unit.code, "name": unit.name, "kind": unit.kind, "active": True,
                  "division_edition": data.edition}
        if row.pk is None or any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.save()
        rows[unit.code] = row
    return rows


class StaleAllocation(Exception):
    """The allocation's gate changed since the caller read it."""

    def __init__(self, current: FundAllocation | None):
        super().__init__("allocation changed since it was read" if current is None
                         else f"allocation {current.pk} is at gate {current.gate}")
        self.current = current  # None: the allocation has been deleted meanwhile


def may_advance(user, county_id: int) -> bool:
    """County staff of the allocation's county (and administrators) move allocations through the gates."""
    access = access_of(user)
    return access.is_county_staff and access.can_read_county(county_id)


def _gate_label(gate) -> str:
    return str(Gate(gate).label) if gate in Gate.values else str(gate)


@transaction.atomic
def advance_gate(*, user, allocation: FundAllocation, gate: int, note: str = "") -> GateTransition:
    """Move the allocation from the gate it is at (as read by the caller) to the next one.

    Raises PermissionDenied (not county staff of the allocation's county), ValidationError on "gate"
    (not the next gate) and StaleAllocation (someone moved it since it was read).
    """
    county_id = FundSource.objects.values_list("county_id", flat=True).get(pk=allocation.source_id)
    if not may_advance(user, county_id):
        raise PermissionDenied
    current = allocation.gate
    if current == Gate.BENEFIT:
        raise ValidationError({"gate": _("已通过最后一道关口“%(current)s”，不能再推进。") % {
            "current": _gate_label(current)}})
    if gate != current + 1:
        raise ValidationError({"gate": _("只能推进到下一道关口：当前关口为“%(current)s”，请求的是“%(requested)s”。") % {
            "current": _gate_label(current), "requested": _gate_label(gate)}})
    if not FundAllocation.objects.filter(pk=allocation.pk, gate=current).update(gate=gate):
        raise StaleAllocation(FundAllocation.objects.filter(pk=allocation.pk).first())
    before = copy.copy(allocation)
    allocation.gate = gate
    # The conditional UPDATE bypasses save(), so the allocation's history entry is written here, as auditlog would.
    LogEntry.objects.log_create(
        allocation, action=LogEntry.Action.UPDATE, actor=user,
        changes=model_instance_diff(before, allocation, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES),
    )
    return GateTransition.objects.create(
        allocation=allocation, gate=gate, actor=user, actor_name=(user.get_full_name() or user.get_username())[:50],
        at=timezone.now(), note=note,
    )
