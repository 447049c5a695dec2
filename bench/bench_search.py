"""Benchmark: the one search (GET /api/v1/search/?q=) against raw indexed SQL lookups of the same rows (issue 27).

Run by hand, on a database filled by generate_demo (bench/scale.sh keeps one per N with KEEP=1):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_200000 .venv/bin/python bench/bench_search.py [--runs 50]
It adds one county-staff account (`bench-search-staff`) bound to the largest generated county, and times --runs
GETs of the API search through the Django test client (DEBUG off), p50/p95, as that account and as a superuser
(the whole province), for:
- a narrow name prefix: one county's head names from one hundred-block ("演示户主023-0012", about 10 households and
  their members; as the superuser the same text);
- a broad name prefix: "演示", which every generated name of every kind starts with (all rows match; staff get the
  first 20 of each kind by name, the superuser any 20: search.selectors._first);
- a whole resident ID of a member of that county (exact match).
The yardstick for a request's fixed cost (session, middleware, the user's access) is a trivial endpoint, the API
root, timed the same way. The baseline is raw SQL through connection.cursor, run as many times: for a name, one
indexed LIKE 'prefix%' lookup per kind (households by head name or number, members, villages, townships, cadres,
helpers; 21 rows each in the search's order, in the county for the staff account); for an ID, the member's
equality lookup joined to its household and village. The ratio search/raw (p50) is what the ORM, the scoping,
DRF, JSON and the request's fixed cost add to the same lookups.
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
    parser.add_argument("--runs", type=int, default=50)
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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from cadres.models import Cadre  # noqa: E402
from households.models import HelperStaff, Household, Member  # noqa: E402
from povertyboard.access import COUNTY_STAFF  # noqa: E402
from villages.models import County, Township, UserArea, Village  # noqa: E402

LIMIT = 21  # the search's 20 per kind, and one to know there are more


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def name_sql(county_id: int | None) -> list[tuple[str, list]]:
    """One indexed prefix lookup per kind, as a hand-written query would do it (the county's rows, or all), in the
    search's order: people by name for staff, unordered for the superuser (search.selectors._first)."""
    h, m, v, t, c, s = (table(x) for x in (Household, Member, Village, Township, Cadre, HelperStaff))
    county = "AND v.county_id = %s" if county_id else ""
    scope = [county_id] if county_id else []

    def order(columns: str) -> str:
        return f"ORDER BY {columns}" if county_id else ""

    return [
        (f"SELECT h.id, h.head_name, v.name FROM {h} h JOIN {v} v ON v.id = h.village_id "
         f"WHERE (h.head_name LIKE %s OR h.number LIKE %s) {county} {order('h.head_name, h.id')} LIMIT {LIMIT}",
         ["{q}%", "{q}%", *scope]),
        (f"SELECT mm.id, mm.name, hh.id, v.name FROM {m} mm JOIN {h} hh ON hh.id = mm.household_id "
         f"JOIN {v} v ON v.id = hh.village_id WHERE mm.name LIKE %s AND mm.relation <> 'head' {county} "
         f"{order('mm.name, mm.id')} LIMIT {LIMIT}", ["{q}%", *scope]),
        (f"SELECT v.id, v.name, v.code FROM {v} v WHERE (v.name LIKE %s OR v.code LIKE %s) {county} "
         f"ORDER BY v.active DESC, v.name, v.code LIMIT {LIMIT}", ["{q}%", "{q}%", *scope]),
        (f"SELECT t.id, t.name FROM {t} t WHERE (t.name LIKE %s OR t.code LIKE %s) "
         f"{'AND t.county_id = %s' if county_id else ''} ORDER BY t.active DESC, t.name, t.id LIMIT {LIMIT}",
         ["{q}%", "{q}%", *scope]),
        (f"SELECT c.id, c.name FROM {c} c WHERE c.name LIKE %s {'AND c.county_id = %s' if county_id else ''} "
         f"{order('c.name, c.id')} LIMIT {LIMIT}", ["{q}%", *scope]),
        (f"SELECT s.id, s.name FROM {s} s JOIN cadres_unit u ON u.id = s.unit_id WHERE s.name LIKE %s "
         f"{'AND u.county_id = %s' if county_id else ''} {order('s.name, s.id')} LIMIT {LIMIT}", ["{q}%", *scope]),
    ]


def id_sql(county_id: int | None) -> list[tuple[str, list]]:
    m, h, v = table(Member), table(Household), table(Village)
    county = "AND v.county_id = %s" if county_id else ""
    return [(f"SELECT mm.id, mm.name, hh.id, v.name FROM {m} mm JOIN {h} hh ON hh.id = mm.household_id "
             f"JOIN {v} v ON v.id = hh.village_id WHERE mm.id_number = %s {county} LIMIT {LIMIT}",
             ["{q}", *([county_id] if county_id else [])])]


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def time_raw(queries, q: str) -> tuple[float, float]:
    times = []
    with connection.cursor() as cursor:
        for _ in range(ARGS.runs):
            start = time.perf_counter()
            for sql, params in queries:
                cursor.execute(sql, [p.format(q=q) if isinstance(p, str) else p for p in params])
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return percentiles(times)


def time_search(client, q: str) -> tuple[float, float, int, int]:
    url = reverse("api:search-list")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": q})
    assert response.status_code == 200, response.content[:300]
    query_count = len(queries)  # now: the timed requests below reset the connection's query log
    hits = sum(len(group["hits"]) for group in response.json()["groups"])
    times = []
    for _ in range(ARGS.runs):
        start = time.perf_counter()
        client.get(url, {"q": q})
        times.append((time.perf_counter() - start) * 1000)
    return (*percentiles(times), query_count, hits)


def main():
    setup_test_environment()
    county = County.objects.filter(code__startswith="99").annotate(n=Count("townships__villages__households")) \
        .order_by("-n").first()
    staff, _ = User.objects.get_or_create(username="bench-search-staff")
    staff.groups.add(Group.objects.get_or_create(name=COUNTY_STAFF)[0])
    UserArea.objects.update_or_create(user=staff, defaults={"county": county, "prefecture": ""})
    admin, _ = User.objects.get_or_create(username="bench-search-admin", defaults={"is_superuser": True})
    member = Member.objects.in_county(county).order_by("pk").first()
    head = Household.objects.in_county(county).order_by("pk").first().head_name
    cases = [("name, narrow", head[:-2], name_sql), ("name, broad", "演示", name_sql),
             ("whole ID", member.id_number, id_sql)]
    print(f"N households {Household.objects.count():,}, members {Member.objects.count():,}, "
          f"helpers {HelperStaff.objects.count():,}, cadres {Cadre.objects.count():,}; county {county.code} "
          f"({county.n:,} households); runs {ARGS.runs}; PostgreSQL {connection.pg_version}")
    print("| who | query | queries | hits | search p50 / p95 ms | raw SQL p50 / p95 ms | ratio p50 |")
    print("|---|---|---|---|---|---|---|")
    for who, user, county_id in (("county staff", staff, county.pk), ("superuser", admin, None)):
        client = Client()
        client.force_login(user)
        root = []
        for _ in range(ARGS.runs):
            start = time.perf_counter()
            client.get(reverse("api:api-root"))
            root.append((time.perf_counter() - start) * 1000)
        print(f"| {who} | trivial endpoint GET /api/v1/ (the yardstick) | | | {percentiles(root)[0]:.1f} / "
              f"{percentiles(root)[1]:.1f} | | |")
        for label, q, sql in cases:
            p50, p95, queries, hits = time_search(client, q)
            raw50, raw95 = time_raw(sql(county_id), q)
            shown = q if label != "whole ID" else "(18 digits)"
            print(f"| {who} | {label} `{shown}` | {queries} | {hits} | {p50:.1f} / {p95:.1f} | "
                  f"{raw50:.2f} / {raw95:.2f} | {p50 / raw50:.1f} |")


if __name__ == "__main__":
    main()
