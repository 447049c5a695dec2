"""Two score_period runs of the same period at once leave exactly one set of scorecards, one after the other."""

import datetime
import threading
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from assessments import services
from assessments.models import Scorecard
from cadres.models import AttendanceReport
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_duty_rating,
    make_period,
    make_survey,
    make_township,
    make_unit,
    make_village,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # each thread commits on its own connection
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite has no row locks (select_for_update is a no-op; writers lock the whole file)"),
]


def test_two_simultaneous_scorings_are_serialized_and_leave_one_set(django_db_blocker):
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name="2016年度")
    village = make_village(make_township(county))
    unit = make_unit(county)
    cadres = []
    for i in range(5):
        cadre = make_cadre(county, unit, name=f"演示干部{i}")
        make_assignment(cadre, village, start_date=datetime.date(2015, 10, 1))
        AttendanceReport.objects.bulk_create([AttendanceReport(cadre=cadre, month=m, required_days=20, days_present=20)
                                              for m in services.period_months(period)])
        make_duty_rating(period, cadre, score=Decimal(70 + i))
        make_survey(period, cadre)
        cadres.append(cadre)

    spans, errors, lock = [], [], threading.Lock()
    read_inputs = services._read_inputs
    start = threading.Barrier(2)

    def slow_read(*args, **kwargs):
        """Runs with the period row locked: a second run must wait here, not overlap."""
        began = time.monotonic()
        time.sleep(0.5)
        result = read_inputs(*args, **kwargs)
        with lock:
            spans.append((began, time.monotonic()))
        return result

    def run():
        try:
            start.wait()
            services.score_period(period)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(services, "_read_inputs", slow_read):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert len(spans) == 2
    (first_start, first_end), (second_start, _) = sorted(spans)
    assert second_start >= first_end  # the second run waited for the first one's lock
    cards = Scorecard.objects.filter(period=period)
    assert cards.count() == len(cadres)
    assert sorted(cards.values_list("cadre_id", flat=True)) == sorted(c.pk for c in cadres)
    assert sorted(cards.values_list("rank", flat=True)) == [1, 2, 3, 4, 5]
