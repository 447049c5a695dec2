"""Benchmark: 331 scoring and the scorecard Excel export at province scale (issue #8), on generate_demo data.

Run by hand, on a database filled by generate_demo (bench/scale.sh makes one per N and runs this):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_20000 .venv/bin/python bench/bench_scale_scoring.py
generate_demo gives every generated county a 2016年度 period (500 resident cadres per 5,000-household county).
It measures, with DEBUG off:
- scoring: `assessments.services.score_period` on the largest county's period (median of --runs), and on every
  generated county's period one after the other (all cadres: 20,000 at N = 200,000), seconds and queries: as a
  re-run that changes nothing, and as the first scoring (the periods' cards deleted first, in a transaction
  rolled back afterwards: every card inserted and logged);
- export: the scorecards of every generated period in ONE workbook (rows of `selectors.scorecards(period)` for each
  period, chained) through `assessments.services.export_scorecards`, against the same rows written by xlsxwriter in
  constant_memory mode straight from `values_list` (same 16 columns, numbers as numbers, text as text cells, frozen
  header): rows/s, peak Python heap (tracemalloc, a second run) and peak RSS (VmHWM of a fresh process that
  does only that export, against its RSS before it). The single largest period's export is timed as well.
It prints the dataset size and Markdown table rows.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyboard.settings")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs=2, metavar=("EXPORTER", "SCOPE"),
                        help="internal: run one export (app|xlsxwriter, largest|all) and print RSS before and peak")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    return parser.parse_args()


ARGS = parse_args()
if not ARGS.database_url:
    sys.exit("DATABASE_URL (or --database-url) must name a database filled by generate_demo")
os.environ["DATABASE_URL"] = ARGS.database_url

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no SQL kept per query

import xlsxwriter  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from assessments import selectors, services  # noqa: E402
from assessments.models import AssessmentPeriod, Scorecard  # noqa: E402
from assessments.resources import ROLES, ScorecardResource  # noqa: E402
from cadres.models import Cadre  # noqa: E402
from households.models import Household  # noqa: E402

COLUMNS = ("period__county__name", "period__name", "cadre__name", "cadre__unit__name", "village_name", "role",
           "attendance", "duty", "satisfaction", "bonus", "total", "grade", "rank", "unit_rank", "veto_reason",
           "missing")
NUMERIC = {6, 7, 8, 9, 10, 12, 13}
GRADES = dict(Scorecard._meta.get_field("grade").flatchoices)
INCOMPLETE = "数据不全"


def status_mib(field: str) -> float:
    with open("/proc/self/status") as f:  # VmRSS now, VmHWM the peak so far
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


def rss_in_fresh_process(exporter: str, scope: str) -> tuple[float, float]:
    """(RSS before, peak RSS) in MiB of a new Python process that runs only this export once (this script with
    --only): a process that already ran other exports would reuse their freed memory and hide the growth."""
    out = subprocess.run([sys.executable, __file__, "--only", exporter, scope], capture_output=True, text=True,
                         check=True, env={**os.environ, "DATABASE_URL": ARGS.database_url}).stdout
    base, peak = out.strip().splitlines()[-1].split()
    return float(base), float(peak)


def heap_peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def app_export(periods) -> bytes:
    """What the export view does, for all the periods' rows in one workbook: export_scorecards streams its rows
    queryset, so the periods' `selectors.scorecards` are put together with UNION ALL (one query)."""
    first, *others = (selectors.scorecards(p) for p in periods)
    return services.export_scorecards(periods[0], first.union(*others, all=True) if others else first)


def xlsxwriter_export(periods) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet(f"{periods[0].county.name}{periods[0].name}"[:31])
    two, whole = book.add_format({"num_format": "0.00"}), book.add_format({"num_format": "0"})
    headers = ScorecardResource(periods[0]).get_export_headers()
    for col, header in enumerate(headers):
        sheet.set_column(col, col, 12 if col in NUMERIC else 16)
        sheet.write_string(0, col, str(header))
    sheet.freeze_panes(1, 0)
    row_no = 0
    for period in periods:
        for row in selectors.scorecards(period).values_list(*COLUMNS).iterator(chunk_size=2000):
            row_no += 1
            for col, value in enumerate(row):
                if value is None or value == "":
                    if col == 11:
                        sheet.write_string(row_no, col, INCOMPLETE)
                    continue
                if col in NUMERIC:
                    sheet.write_number(row_no, col, float(value), whole if col >= 12 else two)
                elif col == 5:
                    sheet.write_string(row_no, col, str(ROLES.get(value, "")))
                elif col == 11:
                    sheet.write_string(row_no, col, str(GRADES.get(value, value)))
                else:
                    sheet.write_string(row_no, col, str(value))  # never a formula, whatever the text
    book.close()
    return out.getvalue()


def without_jit():
    """The "all periods" export reads the 40 periods' `selectors.scorecards` in one UNION ALL; its planned cost
    passes PostgreSQL's jit_above_cost, and JIT compilation took nearly all of the query's time (EXPLAIN ANALYZE
    at N = 200,000, bench/HISTORY.md), which has nothing to do with writing a workbook. One period's query stays
    below the threshold, so the export view never compiles. Both exporters run with JIT off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


class QueryCounter:
    """Counts the statements a connection runs; unlike CaptureQueriesContext it leaves the cursor as production
    has it (the debug cursor renders every statement with its parameters, a cost production does not pay:
    bench/HISTORY.md, "seventh machine")."""

    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted_queries():
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def generated_periods():
    return list(AssessmentPeriod.objects.filter(county__code__startswith="99", name="2016年度", closed=False)
                .select_related("county").annotate(n=Count("scorecards")).order_by("-n", "county__code"))


def only(exporter, scope):
    without_jit()
    periods = generated_periods()
    group = periods[:1] if scope == "largest" else periods
    base = status_mib("VmRSS")
    {"app": app_export, "xlsxwriter": xlsxwriter_export}[exporter](group)
    print(base, status_mib("VmHWM"))


def main():
    without_jit()
    periods = generated_periods()
    if not periods:
        sys.exit("no open generated period (county codes 99…, 2016年度): run generate_demo first")
    biggest = periods[0]
    cards = sum(p.n for p in periods)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; households "
          f"{Household.objects.count():,}, cadres {Cadre.objects.count():,}, generated periods {len(periods)}, "
          f"scorecards in them {cards:,} (largest: {biggest.county.name} {biggest.n})")

    # scoring
    with counted_queries() as counter:
        services.score_period(biggest)
    one_queries = counter.count
    one = statistics.median(seconds(lambda: services.score_period(biggest)) for _ in range(ARGS.runs))
    with counted_queries() as counter:
        every = seconds(lambda: [services.score_period(p) for p in periods])
    every_queries = counter.count
    with transaction.atomic():  # the first scoring of every period: all cards inserted and logged; rolled back
        Scorecard.objects.filter(period__in=periods).delete()
        with counted_queries() as counter:
            fresh = seconds(lambda: [services.score_period(p) for p in periods])
        transaction.set_rollback(True)
    print("| scoring | cadres | seconds | cadres/s | queries |")
    print("|---|---|---|---|---|")
    print(f"| largest county's period (median of {ARGS.runs}) | {biggest.n:,} | {one:.2f} | {biggest.n / one:,.0f} "
          f"| {one_queries} |")
    print(f"| every generated period, one after the other | {cards:,} | {every:.2f} | {cards / every:,.0f} "
          f"| {every_queries} |")
    print(f"| every generated period, first scoring (no stored cards; rolled back) | {cards:,} | {fresh:.2f} | "
          f"{cards / fresh:,.0f} | {counter.count} |", flush=True)

    # export
    print("| export | rows | seconds | rows/s | bytes | peak Python heap MiB | RSS before → peak MiB |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for label, fn, group, key in (
        ("export_scorecards, largest period", app_export, [biggest], ("app", "largest")),
        ("xlsxwriter constant_memory, largest period", xlsxwriter_export, [biggest], ("xlsxwriter", "largest")),
        ("export_scorecards, all generated periods", app_export, periods, ("app", "all")),
        ("xlsxwriter constant_memory, all generated periods", xlsxwriter_export, periods, ("xlsxwriter", "all")),
    ):
        rows = sum(p.n for p in group)
        size = len(fn(group))  # warm-up, and the size
        took = seconds(lambda fn=fn, group=group: fn(group))
        heap = heap_peak_mib(lambda fn=fn, group=group: fn(group))
        base, peak = rss_in_fresh_process(*key)
        results[label] = (rows / took, peak - base)
        print(f"| {label} | {rows:,} | {took:.2f} | {rows / took:,.0f} | {size:,} | {heap:,.1f} | "
              f"{base:,.0f} → {peak:,.0f} |", flush=True)
    app, fast = results["export_scorecards, all generated periods"], \
        results["xlsxwriter constant_memory, all generated periods"]
    print(f"all periods: xlsxwriter/export_scorecards rows/s = {fast[0] / app[0]:.1f}×; RSS growth "
          f"{app[1]:,.0f} MiB vs {fast[1]:,.0f} MiB")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    only(*ARGS.only) if ARGS.only else main()
