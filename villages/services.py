"""Writes of the villages app: moving a fund allocation through its six gates (六道关).

A gate transition is an action, not a field edit: the allocation passes the next gate, and who moved it,
when and why is recorded (GateTransition), in one transaction. The move is a conditional UPDATE on the
gate the caller read, so two people advancing the same allocation at once cannot both succeed
(StaleAllocation for the second; the API answers 409).
"""

import copy

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from povertyboard.access import access_of

from .models import FundAllocation, FundSource, Gate, GateTransition


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
