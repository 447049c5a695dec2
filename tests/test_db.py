"""povertyboard.db.copy_rows: rows written by COPY (PostgreSQL) or executemany read back as the ORM wrote them; the
PostgreSQL connection prepares its statements (settings.DATABASES)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from households.models import Household
from povertyboard.db import copy_rows
from tests.factories import make_village

pytestmark = pytest.mark.django_db

AWKWARD = "tab\there, new\nline, back\\slash \\N, \r, 中文 “引号” 'quote'"


def test_copied_rows_read_back_as_the_orm_wrote_them(django_user_model):
    actor = django_user_model.objects.create_user("copier", email="c@example.org")
    content_type = ContentType.objects.get_for_model(Household)
    when = timezone.now().replace(microsecond=123456)
    fields = dict(content_type=content_type, object_pk="7", object_id=7, object_repr=AWKWARD, cid="x",
                  changes={"name": [None, AWKWARD], "n": [1, 2.5], "nested": {"a": [True, None]}},
                  action=LogEntry.Action.UPDATE, actor=actor, actor_email=actor.email, remote_addr="10.0.0.1",
                  remote_port=443, timestamp=when)
    copy_rows(LogEntry, [fields, {**fields, "actor": None, "actor_email": None, "remote_addr": None,
                                  "changes": None, "object_id": 8}])
    LogEntry.objects.create(**{**fields, "object_id": 9})  # the same row through the ORM
    copied, bare, saved = LogEntry.objects.order_by("object_id")
    names = ["content_type_id", "object_pk", "object_repr", "changes", "changes_text", "cid", "action", "actor_id",
             "actor_email", "remote_addr", "remote_port", "timestamp", "serialized_data", "additional_data"]
    assert {n: getattr(copied, n) for n in names} == {n: getattr(saved, n) for n in names}
    assert copied.timestamp == when and copied.changes["name"][1] == AWKWARD
    assert (bare.actor_id, bare.remote_addr, bare.changes, bare.changes_text) == (None, None, None, "")


def test_missing_fields_take_their_defaults():
    village = make_village()
    copy_rows(Household, [dict(village=village, number="C1", head_name="复制户", primary_cause="illness",
                               identified_year=2015)])
    household = Household.objects.get(number="C1")
    assert (household.group_no, household.status, household.is_dibao, household.phone) == (1, "identified", False, "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_postgresql_statements_are_prepared_on_their_second_run():
    """settings: server-side binding with prepare_threshold 1, so a repeated query is planned once a connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
    for _ in range(2):
        list(Household.objects.filter(number="P1"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert len(statements) > before
    assert any('"households_household"' in s and "$1" in s for s in statements)
