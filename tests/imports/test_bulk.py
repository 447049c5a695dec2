"""The bulk write of an import: history entries as a save() would record them, a bounded number of queries,
a row the database still refuses reported on its row with nothing written, and the dashboards marked."""

import json

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household, Member
from imports import resources
from imports.resources import HouseholdResource
from povertyboard.resident_ids import mask_resident_id
from tests.factories import make_household
from tests.support import fingerprint

from .conftest import household_row, member_row, problems_of, rid, xlsx

pytestmark = pytest.mark.django_db


def registry_file(world, households: int, numbers_from=1, **overrides) -> bytes:
    v = world.village
    numbers = [f"{n:03d}" for n in range(numbers_from, numbers_from + households)]
    return xlsx({
        "贫困户": [household_row(v, number, head=f"户主{number}", **overrides) for number in numbers],
        "家庭成员": [member_row(v, number, f"户主{number}", rid(int(number))) for number in numbers],
    })


def as_saved(changes):
    """Changes as the JSON column gives them back (tuples become lists)."""
    return json.loads(json.dumps(changes))


def test_every_created_row_has_the_history_entry_a_save_would_record(world, run):
    report = run("households", registry_file(world, 3), world.staff)
    assert report.committed and report.changes == 6
    for model in (Household, Member):
        for obj in model.objects.all():
            entry = LogEntry.objects.get_for_object(obj).get()
            assert (entry.action, entry.actor, entry.object_repr) == (LogEntry.Action.CREATE, world.staff, str(obj))
            assert entry.changes == as_saved(model_instance_diff(None, obj, use_json_for_changes=True))
    member = Member.objects.get(id_number=rid(1))
    entry = LogEntry.objects.get_for_object(member).get()
    assert entry.changes["id_number"] == ["None", mask_resident_id(rid(1))]  # masked, as auditlog masks it
    assert entry.changes["name"] == [None, "户主001"]


def test_an_updated_row_has_an_update_entry_with_what_changed(world, run):
    run("households", registry_file(world, 2), world.staff)
    report = run("households", registry_file(world, 2, 联系电话="13812345678", 状态="已脱贫", 脱贫年度=2016),
                 world.staff)
    assert report.counts["贫困户"] == {"new": 0, "update": 2, "skip": 0, "invalid": 0}
    household = Household.objects.get(number="001")
    entry = LogEntry.objects.get_for_object(household).latest("pk")
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == world.staff
    # the phone as the history stores it for every reader (povertyboard/privacy.py)
    assert entry.changes == {"phone": ["", "138****5678"], "status": ["assisted", "exited"], "exit_year": [None, 2016]}
    assert list(household.status_changes.values_list("from_status", "to_status")) == [
        ("", "assisted"), ("assisted", "exited")]


def test_the_queries_do_not_grow_with_the_rows(world, run):
    """(Up to a batch: SQLite's 999 parameters per statement make one INSERT of ~50 households.)"""
    run("households", registry_file(world, 1, numbers_from=900), world.staff)  # caches (content types) filled
    counts = []
    for households, start in ((5, 1), (40, 100)):
        with CaptureQueriesContext(connection) as queries:
            report = run("households", registry_file(world, households, numbers_from=start), world.staff)
        assert report.committed and report.changes == 2 * households
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as queries:  # the same file again: nothing written
        report = run("households", registry_file(world, 40, numbers_from=100), world.staff)
    assert report.changes == 0 and len(queries) < counts[0]


def test_a_row_the_database_refuses_is_reported_on_its_row_and_nothing_is_written(world, run, monkeypatch):
    """Another transaction adds household 002 after the import has read the registry: the checks found no
    duplicate, the database's unique constraint refuses the row."""
    prepare = HouseholdResource.prepare

    def prepare_then_collide(self, rows):
        prepare(self, rows)
        make_household(world.village, number="002", head_name="同时新建")

    monkeypatch.setattr(HouseholdResource, "prepare", prepare_then_collide)
    before = fingerprint()
    report = run("households", registry_file(world, 3), world.staff)
    assert not report.committed
    problems = [p for p in problems_of(report) if p[0] == "贫困户"]
    assert [p[:4] for p in problems] == [("贫困户", 3, "", "")], problems
    assert problems[0][4].startswith("这一行无法写入")
    assert fingerprint() == before


def test_the_changed_villages_are_marked_for_the_dashboards(world, run, monkeypatch):
    marked = []
    monkeypatch.setattr(resources, "villages_changed", lambda ids: marked.append(set(ids)))
    content = xlsx({"贫困户": [household_row(world.village, "001"), household_row(world.other, "002")],
                    "家庭成员": [member_row(world.other, "002", "张三", rid(1))]})
    run("households", content, world.staff)
    assert marked == [{world.village.pk, world.other.pk}, {world.other.pk}]
    marked.clear()
    run("households", content, world.staff)
    assert marked == []  # nothing changed, nothing marked
