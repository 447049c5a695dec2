"""The API household list's page and count queries for one county, under EXPLAIN (ANALYZE, BUFFERS), best of 5:
scoped through the village's copy of its county (Household.county_path) and through its township, the
walk it replaced (bench/RESULTS.md, issue #8). PostgreSQL only; the county is loadstaff's (bench/load/prep.py),
or the largest generated one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_200000 .venv/bin/python bench/bench_list_plan.py
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyboard.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from households.api.views import HouseholdViewSet  # noqa: E402
from households.models import Household  # noqa: E402
from villages.models import County, UserArea  # noqa: E402

RUNS = 5


def best_plan(sql: str, params) -> tuple[float, list[str]]:
    best = None
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            ms = float(lines[-1].split()[2])  # "Execution Time: 0.134 ms"
            if best is None or ms < best[0]:
                best = (ms, lines)
    return best


def main():
    area = UserArea.objects.filter(user__username="loadstaff").first()
    county = area.county if area else County.objects.filter(code__startswith="99").annotate(
        n=Count("townships__villages__households")).order_by("-n").first()
    print(f"county {county.code} {county.name}; households in the database {Household.objects.count():,}")
    through_township = f"{Household.village_path}__township__county"  # the walk replaced, on purpose not declared
    for path in (Household.county_path, through_township):
        rows = HouseholdViewSet.queryset.filter(**{f"{path}__in": [county.pk]})
        page = rows[:50].query.sql_with_params()
        count_sql, params = rows.order_by().values("pk").query.sql_with_params()
        for name, (sql, p) in (("page of 50", page), ("count", (f"SELECT COUNT(*) FROM ({count_sql}) s", params))):
            ms, lines = best_plan(sql, p)
            print(f"\n== scope {path}, {name}: execution {ms} ms (best of {RUNS})")
            print("\n".join(lines))


if __name__ == "__main__":
    main()
