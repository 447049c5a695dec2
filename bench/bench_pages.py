"""Benchmark: county, township and village pages against the raw SQL that computes their core figures (issue #8).

Run by hand, on a database filled by generate_demo (see bench/scale.sh, which makes one per N and runs this):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_20000 .venv/bin/python bench/bench_pages.py [--runs 20]
It adds one county-staff account (`bench-pages-staff`) bound to the largest generated county, picks that county's
largest township and the township's largest village, and, for each page:
- times --runs GETs through the Django test client (logged in as that account; DEBUG off), p50/p95;
- counts the page's queries once (CaptureQueriesContext), adds up their database time, and prints the --slowest
  of them with their times;
- times the same number of runs of raw SQL (connection.cursor) computing the page's core figures for the same area:
  households and people by status, villages (poor), measures planned/implemented, funds allocated/disbursed,
  visits. The page computes more than that (25 headline numbers, six charts, fund and project tables, the as-of
  date, the township/village lists): the ratio page/raw is what the ORM, the extra figures and the template cost.
The pages serve pre-aggregated dashboards (dashboards.snapshots): "page" is a read of a current snapshot, and
"recompute" is the first read after a change (the snapshot's version bumped before each GET), which computes the
dashboard from the rows and stores it. It also times the raw SQL computing those figures for every village at
once, and `snapshots.refresh(..., everything=True)` (refresh_dashboards --all) over the county's areas.
The yardstick for throughput is a trivial endpoint, the API root
(/api/v1/), timed the same way.
It prints the dataset size (households, members, measures, rows in the area) and a Markdown table row per page.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyboard.settings")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slowest", type=int, default=3, help="print each page's N slowest queries")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    return parser.parse_args()


ARGS = parse_args()
if not ARGS.database_url:
    sys.exit("DATABASE_URL (or --database-url) must name a database filled by generate_demo")
os.environ["DATABASE_URL"] = ARGS.database_url

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no SQL kept per query outside CaptureQueriesContext

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from dashboards import snapshots  # noqa: E402
from households.models import Household, Measure, Member  # noqa: E402
from povertyboard.access import COUNTY_STAFF  # noqa: E402
from villages.models import County, DashboardSnapshot, Gate, Township, UserArea, Village  # noqa: E402

# The area's villages, as a sub-select; %s is the county, township or village id.
AREA_VILLAGES = {
    "county": "SELECT v.id FROM villages_village v JOIN villages_township t ON t.id = v.township_id "
              "WHERE t.county_id = %s",
    "township": "SELECT v.id FROM villages_village v WHERE v.township_id = %s",
    "village": "SELECT v.id FROM villages_village v WHERE v.id = %s",
}

RAW = [
    # households and people by status
    """SELECT h.status, COUNT(DISTINCT h.id), COUNT(m.id) FROM households_household h
       LEFT JOIN households_member m ON m.household_id = h.id WHERE h.village_id IN ({area}) GROUP BY h.status""",
    # villages, poor villages
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE is_poor) FROM villages_village WHERE id IN ({area})",
    # measures planned (all) and implemented
    """SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'implemented') FROM households_measure
       WHERE village_id IN ({area})""",
    # funds allocated and disbursed (an allocation targets a project, a village or a household of the area)
    f"""SELECT SUM(a.amount), SUM(a.amount) FILTER (WHERE a.gate >= {int(Gate.DISBURSEMENT)})
       FROM villages_fundallocation a LEFT JOIN villages_project p ON p.id = a.project_id
       LEFT JOIN households_household hh ON hh.id = a.household_id
       WHERE p.village_id IN ({{area}}) OR a.village_id IN ({{area}}) OR hh.village_id IN ({{area}})""",
    # visits
    "SELECT COUNT(*) FROM households_visit WHERE village_id IN ({area})",
]


# The same core figures for EVERY village at once (GROUP BY village): what a scheduled refresh of pre-aggregated
# figures would read; townships, counties and the province are sums of the village rows.
PER_VILLAGE = [
    """SELECT h.village_id, h.status, COUNT(DISTINCT h.id), COUNT(m.id) FROM households_household h
       LEFT JOIN households_member m ON m.household_id = h.id GROUP BY h.village_id, h.status""",
    """SELECT village_id, COUNT(*), COUNT(*) FILTER (WHERE status = 'implemented') FROM households_measure
       GROUP BY village_id""",
    f"""SELECT COALESCE(p.village_id, a.village_id, hh.village_id), SUM(a.amount),
       SUM(a.amount) FILTER (WHERE a.gate >= {int(Gate.DISBURSEMENT)})
       FROM villages_fundallocation a LEFT JOIN villages_project p ON p.id = a.project_id
       LEFT JOIN households_household hh ON hh.id = a.household_id GROUP BY 1""",
    "SELECT village_id, COUNT(*) FROM households_visit GROUP BY village_id",
]


def every_village():
    with connection.cursor() as cursor:
        for sql in PER_VILLAGE:
            cursor.execute(sql)
            cursor.fetchall()


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def timed(fn, runs):
    fn()  # warm-up: connection, caches, compiled templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), pct(times, 0.95)


def raw_figures(kind, area_id):
    with connection.cursor() as cursor:
        for sql in RAW:
            text = sql.format(area=AREA_VILLAGES[kind])
            cursor.execute(text, [area_id] * text.count("%s"))
            cursor.fetchall()


def targets():
    county = (County.objects.filter(code__startswith="99").annotate(n=Count("townships__villages__households"))
              .order_by("-n", "code").first())
    if county is None:
        sys.exit("no generated county (codes 99…): run generate_demo first")
    township = (Township.objects.filter(county=county).annotate(n=Count("villages__households"))
                .order_by("-n", "pk").first())
    village = Village.objects.filter(township=township).annotate(n=Count("households")).order_by("-n", "pk").first()
    return county, township, village


def staff_user(county):
    user, _ = User.objects.get_or_create(username="bench-pages-staff")
    user.groups.add(Group.objects.get_or_create(name=COUNTY_STAFF)[0])
    UserArea.objects.update_or_create(user=user, defaults={"county": county, "prefecture": ""})
    return user


def main():
    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    county, township, village = targets()
    client = Client()
    client.force_login(staff_user(county))
    pages = [
        ("county dashboard", "county", county.pk, reverse("areas:county", args=[county.code]),
         f"{county.name} {county.code}", county.n),
        ("township page", "township", township.pk, reverse("areas:township", args=[township.pk]),
         f"{township.name} #{township.pk}", township.n),
        ("village page", "village", village.pk, reverse("areas:village", args=[village.code]),
         f"{village.name} {village.code}", village.n),
    ]
    slowest, page_p50 = [], []
    trivial = reverse("api:api-root")
    t50, t95 = timed(lambda: client.get(trivial), ARGS.runs)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"households {Household.objects.count():,}, members {Member.objects.count():,}, "
          f"measures {Measure.objects.count():,}, villages {Village.objects.count():,}; runs per figure: {ARGS.runs}")
    print("| page | area (households) | queries | their SQL ms | page p50 ms | page p95 ms | raw SQL p50 ms "
          "| raw p95 ms | page/raw (p50) | recompute queries | recompute p50 ms | recompute p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, kind, area_id, url, name, households in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)  # now: the timed requests below reset the connection's query log
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        slowest.append((label, sorted(((float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries),
                                      reverse=True)[:ARGS.slowest]))
        p50, p95 = timed(lambda url=url: client.get(url), ARGS.runs)
        page_p50.append((label, p50))
        r50, r95 = timed(lambda kind=kind, area_id=area_id: raw_figures(kind, area_id), ARGS.runs)
        # the first read after a change: the snapshot is out of date, the page computes and stores it
        snapshot = DashboardSnapshot.objects.filter(kind=kind, area_id=area_id)

        def changed_then_get(url=url, snapshot=snapshot):
            snapshot.update(version=F("version") + 1)
            client.get(url)
        recompute = []  # counted by a wrapper: each request resets the connection's query log

        def count(execute, sql, params, many, context, recompute=recompute):
            recompute.append(sql)
            return execute(sql, params, many, context)
        with connection.execute_wrapper(count):
            changed_then_get()
        c50, c95 = timed(changed_then_get, ARGS.runs)
        print(f"| {label} | {name} ({households:,}) | {query_count} | {sql_ms:,.0f} | {p50:,.0f} | {p95:,.0f} | "
              f"{r50:,.1f} | {r95:,.1f} | {p50 / r50:,.1f}× | {len(recompute) - 1} | {c50:,.0f} | {c95:,.0f} |",
              flush=True)
    print(f"trivial endpoint {trivial} (API root, session and user lookups only): p50 {t50:.1f} ms, "
          f"p95 {t95:.1f} ms; one-at-a-time throughput of each page against it (trivial p50 / page p50): "
          + ", ".join(f"{label} {t50 / p50:.2f}" for label, p50 in page_p50))
    e50, e95 = timed(every_village, max(3, ARGS.runs // 4))
    print(f"raw SQL, the same core figures for every village at once (GROUP BY village, {Village.objects.count():,} "
          f"villages): p50 {e50:,.0f} ms, p95 {e95:,.0f} ms")
    areas = [county, *Township.objects.filter(county=county).select_related("county"),
             *Village.objects.filter(township__county=county).select_related("township__county")]
    start = time.perf_counter()
    computed = snapshots.refresh(areas, everything=True)
    print(f"refresh_dashboards --all for the county ({len(areas):,} areas, {computed:,} dashboards, each stored "
          f"in {len(settings.LANGUAGES)} languages): {time.perf_counter() - start:,.1f} s")
    for label, slow in slowest:
        print(f"slowest queries of the {label} (ms, SQL start):")
        for ms, sql in slow:
            print(f"  {ms:8.1f}  {sql[:150]}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
