"""Benchmark: scoring a 331 period and exporting its scorecards, on the seeded data.

Run by hand:  .venv/bin/python bench/bench_scoring.py  [--database-url URL]
It seeds a throw-away SQLite database (or the DATABASE_URL given), then times, in one run,
score_period(), the Excel export and, as the yardstick, the raw SQL that reads the same inputs,
and prints medians and ratios for bench/RESULTS.md.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyboard.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from assessments import selectors, services  # noqa: E402
from assessments.models import AssessmentPeriod  # noqa: E402

RUNS = 15


def median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw_inputs(period):
    with connection.cursor() as cursor:
        for sql in (
            "SELECT * FROM cadres_attendancereport WHERE month BETWEEN %s AND %s",
            "SELECT * FROM assessments_dutyrating WHERE period_id = %s",
            "SELECT * FROM assessments_satisfactionsurvey WHERE period_id = %s",
            "SELECT * FROM assessments_bonusitem WHERE period_id = %s",
            "SELECT * FROM assessments_veto WHERE period_id = %s",
        ):
            args = [period.start_date, period.end_date] if "BETWEEN" in sql else [period.pk]
            cursor.execute(sql, args)
            cursor.fetchall()


def main():
    call_command("migrate", verbosity=0)
    call_command("seed_reports", verbosity=0)
    period = AssessmentPeriod.objects.get(county__code="632801", name="2016年度")
    cards = services.score_period(period)
    raw = median_ms(lambda: raw_inputs(period))
    score = median_ms(lambda: services.score_period(period))
    export = median_ms(lambda: services.export_scorecards(period, selectors.scorecards(period)))
    print(f"database: {connection.vendor}; cadres scored: {len(cards)}; runs: {RUNS} (median)")
    print(f"raw SQL reading the inputs: {raw:.1f} ms")
    print(f"score_period:               {score:.1f} ms  ({score / raw:.1f}x raw)")
    print(f"export_scorecards (xlsx):   {export:.1f} ms  ({export / raw:.1f}x raw)")


if __name__ == "__main__":
    main()
