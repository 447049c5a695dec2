"""Helpers the test packages share. The fixtures built on them are in tests/conftest.py; tests import these
plain functions from here (a conftest module is not meant to be imported)."""

import sys
import threading
import zlib

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection, transaction

DOMAIN_APPS = ("villages", "households", "cadres", "assessments")


def make_user(django_user_model, username, role=None, county=None):
    """A user (no password: tests use force_login) in the role's group, working in county if given."""
    from tests.factories import make_user_area

    user = django_user_model.objects.create_user(username)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if county is not None:
        make_user_area(user, county=county)
    return user


def login(client, user):
    client.force_login(user)
    return client


def domain_models() -> list:
    return [model for app in DOMAIN_APPS for model in apps.get_app_config(app).get_models()]


def fingerprint() -> dict[str, int]:
    """What "nothing was written" compares, as numbers (so that tests can also subtract two fingerprints).

    The row count of every model of the four apps and of the history (auditlog's LogEntry), and counters of
    the writes that change a row without adding one and may not leave history behind: locked attendance
    reports, planned measures, open cross-check flags, and a checksum of every assessment period's rules."""
    from assessments.models import AssessmentPeriod
    from cadres.models import AttendanceReport
    from households.models import CrossCheckFlag, Measure

    counts = {model.__name__: model.objects.count() for model in [LogEntry, *domain_models()]}
    rules = repr(list(AssessmentPeriod.objects.order_by("pk").values_list()))
    return counts | {
        "locked reports": AttendanceReport.objects.filter(locked=True).count(),
        "planned measures": Measure.objects.filter(status="planned").count(),
        "open flags": CrossCheckFlag.objects.filter(status="open").count(),
        "period rules (crc32)": zlib.crc32(rules.encode()),
    }


def shared_data(django_db_blocker, build):
    """Yield build()'s result from inside a transaction held open for a fixture's scope and rolled back at its end.

    The tests nest in it (pytest-django's per-test transaction becomes a savepoint), so whatever one test writes
    is undone before the next, and the data is built once per module instead of once per test. The database is
    unblocked only while building and while rolling back: a test still needs its own `db` to use it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def at_once(*calls) -> list:
    """Run each call in its own thread, released together; their results in order. For races on PostgreSQL in
    `transaction=True` tests: each thread has its own connection (closed at its end) and commits on it. An
    exception in a call is raised here, after every thread has ended."""
    start, results, errors = threading.Barrier(len(calls)), [None] * len(calls), []

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results
