"""Change history (django-auditlog): who, when and what changed (old → new), shown on the object's page."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cadres.models import AttendanceReport
from households.models import Household, Member
from povertyboard.history import history_of
from tests.factories import (
    make_allocation,
    make_attendance_report,
    make_gate_transition,
    make_household,
    make_member,
)
from tests.support import login
from villages.models import FundAllocation, Gate, GateTransition

pytestmark = pytest.mark.django_db


def entries(obj):
    return list(history_of(obj).order_by("timestamp", "pk"))


def assert_change(entry, action, actor, field=None, old=None, new=None):
    assert entry.action == action
    assert entry.actor == actor
    assert abs(entry.timestamp - timezone.now()) < datetime.timedelta(minutes=5)
    if field:
        assert [str(v) for v in entry.changes_dict[field]] == [old, new]


def test_measure_create_update_implement_through_the_pages(client, world):
    login(client, world.cadre_user)
    client.post(reverse("work:measure_create"), {
        "village": world.mine.code, "household": world.household.pk, "category": "industry",
        "title": "发放羊只", "amount": "3000", "planned_date": "2016-04-01"})
    measure = world.household.measures.get(title="发放羊只")
    edit_url = reverse("work:measure_edit", args=[measure.pk])
    client.post(edit_url, {"version": 1, "household": world.household.pk, "category": "industry",
                           "title": "发放羊只10只", "amount": "3500", "planned_date": "2016-04-01"})
    client.post(reverse("work:measure_implement", args=[measure.pk]),
                {"version": 2, "implemented_date": "2016-05-02", "amount": "3400", "evidence": "签收单"})
    created, updated, implemented = entries(measure)
    assert_change(created, LogEntry.Action.CREATE, world.cadre_user)
    assert_change(updated, LogEntry.Action.UPDATE, world.cadre_user, "title", "发放羊只", "发放羊只10只")
    assert updated.changes_dict["amount"] == ["3000.00", "3500.00"]
    assert_change(implemented, LogEntry.Action.UPDATE, world.cadre_user, "status", "planned", "implemented")

    # the measure page shows the history: who, old → new
    login(client, world.staff)
    html = client.get(edit_url).content.decode()
    assert "修改记录" in html and "cadre" in html
    assert "发放羊只 → 发放羊只10只" in html

    with set_actor(world.cadre_user):
        pk = measure.pk
        measure.delete()
    deleted = LogEntry.objects.filter(object_pk=str(pk), content_type__model="measure",
                                      action=LogEntry.Action.DELETE).get()
    assert deleted.actor == world.cadre_user


def test_attendance_report_history_and_page(client, world):
    login(client, world.cadre_user)
    client.post(reverse("work:attendance_create"), {
        "month": "2024-02", "days_present": "20", "leave_days": "1", "reported_outings": "0",
        "unreported_absences": "0"})
    report = AttendanceReport.objects.get(cadre=world.cadre)
    url = reverse("work:attendance_edit", args=[report.pk])
    client.post(url, {"month": "2024-02", "days_present": "22", "leave_days": "1", "reported_outings": "0",
                      "unreported_absences": "0"})
    login(client, world.supervisor)
    client.post(reverse("work:attendance_lock", args=[report.pk]))
    created, updated, locked = entries(report)
    assert_change(created, LogEntry.Action.CREATE, world.cadre_user)
    assert_change(updated, LogEntry.Action.UPDATE, world.cadre_user, "days_present", "20", "22")
    assert_change(locked, LogEntry.Action.UPDATE, world.supervisor, "locked", "False", "True")
    html = client.get(url).content.decode()
    assert "修改记录" in html and "supervisor" in html and "20 → 22" in html
    with set_actor(world.supervisor):
        report.delete()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="attendancereport").exists()


@pytest.mark.parametrize("kind", ["household", "member", "allocation", "gate"])
def test_registry_and_fund_records_are_logged(world, kind):
    actor = world.staff
    with set_actor(actor):
        if kind == "household":
            obj = make_household(world.mine, head_name="旧户主")
            Household.objects.get(pk=obj.pk)
            obj.head_name = "新户主"
            obj.save()
            field, old, new = "head_name", "旧户主", "新户主"
        elif kind == "member":
            obj = make_member(world.household, name="旧名")
            obj.name = "新名"
            obj.save()
            field, old, new = "name", "旧名", "新名"
        elif kind == "allocation":
            obj = make_allocation(village=world.mine, gate=Gate.SELECTION)
            obj.gate = Gate.APPROVAL_OF_ITEM
            obj.save()
            field, old, new = "gate", str(Gate.SELECTION.value), str(Gate.APPROVAL_OF_ITEM.value)
        else:
            obj = make_gate_transition(make_allocation(village=world.mine), actor_name="旧经办人")
            obj.actor_name = "新经办人"
            obj.save()
            field, old, new = "actor_name", "旧经办人", "新经办人"
        pk, model = obj.pk, type(obj)
        created, updated = entries(obj)
        obj.delete()
    assert_change(created, LogEntry.Action.CREATE, actor)
    assert_change(updated, LogEntry.Action.UPDATE, actor, field, old, new)
    deleted = LogEntry.objects.get(object_pk=str(pk), content_type__model=model._meta.model_name,
                                   action=LogEntry.Action.DELETE)
    assert deleted.actor == actor
    assert model in (Household, Member, FundAllocation, GateTransition)


def test_member_resident_id_is_masked_in_the_log(world):
    with set_actor(world.staff):
        member = make_member(world.household)
    created = entries(member)[0]
    logged = created.changes_dict["id_number"][1]
    assert logged != member.id_number and "*" in logged


def test_factory_report_without_actor_is_system(world):
    report = make_attendance_report(world.cadre)
    assert entries(report)[0].actor is None
