"""Benchmark: importing 5,000 households with 17,000 members from one .xlsx, against a raw bulk_create.

Run by hand:  .venv/bin/python bench/bench_import.py [--households 5000] [--members 17000] [--database-url URL]
It builds a throw-away SQLite database (or uses the DATABASE_URL given: it must be empty, it is migrated and
flushed), one county with 50 villages and a county staff account, writes the workbook the way a county office
would fill the template (sheets 贫困户 and 家庭成员), then measures, as the staff pages run them:
- preview: imports.services.run_import(commit=False): every row checked, the transaction rolled back;
- confirm: run_import(commit=True): checked again and written in one transaction (with the history rows);
- raw: the same rows, already parsed, written with Model.objects.bulk_create (no checks, no history): the floor.
Each is timed without tracemalloc, then run again under tracemalloc for its peak Python memory. It prints rows/s
and peak memory for bench/RESULTS.md.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyboard.settings")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--members", type=int, default=17000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    return parser.parse_args()


ARGS = parse_args()
os.environ["DATABASE_URL"] = ARGS.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: with DEBUG on, Django keeps every query's SQL in memory

import xlsxwriter  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from households.models import Household, Member, PovertyCause, StatusChange  # noqa: E402
from imports.services import check_file, run_import  # noqa: E402
from povertyboard.access import COUNTY_STAFF  # noqa: E402
from povertyboard.resident_ids import SEX_FEMALE, SEX_MALE, make_resident_id  # noqa: E402
from villages.models import County, Township, UserArea, Village  # noqa: E402

VILLAGES = 50
CAUSES = [str(label) for _code, label in PovertyCause.choices]


def world():
    county = County.objects.create(code="632821", name="乌兰县", prefecture="海西蒙古族藏族自治州")
    township = Township.objects.create(county=county, name="希里沟镇", kind="town")
    villages = Village.objects.bulk_create(
        Village(township=township, county=county, code=f"632821101{v:03d}", name=f"基准{v:02d}村", group_count=6)
        for v in range(1, VILLAGES + 1))
    user = User.objects.create_user("bench-staff")
    user.groups.add(Group.objects.get_or_create(name=COUNTY_STAFF)[0])
    UserArea.objects.create(user=user, county=county)
    return villages, user


def rows(villages, households: int, members: int):
    """Deterministic household and member rows, as a county office fills the template."""
    rng = random.Random(20161103)
    sizes = [members // households] * households
    for i in range(members - sum(sizes)):
        sizes[i % households] += 1
    household_rows, member_rows, sequence, used = [], [], 0, set()
    for n in range(households):
        village = villages[n % len(villages)]
        number = f"{n + 1:05d}"
        head = f"基准户主{n + 1:05d}"
        household_rows.append([village.code, number, rng.randint(1, 6), head, rng.choice(CAUSES), "帮扶中", 2015,
                               2018, "否", "否", rng.choice(["是", "否"]), "否"])
        for m in range(sizes[n]):
            sequence += 1
            sex = SEX_MALE if m % 2 == 0 else SEX_FEMALE
            birth = datetime.date(1950 + rng.randint(0, 60), rng.randint(1, 12), rng.randint(1, 28))
            relation = "户主" if m == 0 else "配偶" if m == 1 else "子女"
            resident_id = make_resident_id("632821", birth, sequence, sex)
            while resident_id in used:
                sequence += 2
                resident_id = make_resident_id("632821", birth, sequence, sex)
            used.add(resident_id)
            member_rows.append([village.code, number, head if m == 0 else f"基准成员{sequence:06d}", resident_id,
                                relation, "初中", "普通劳动力"])
    return household_rows, member_rows


HOUSEHOLD_HEADERS = ["行政村代码", "户编号", "村民小组", "户主姓名", "主要致贫原因", "状态", "识别年度", "计划脱贫年度",
                     "低保户", "五保户", "危房户", "易地搬迁户"]
MEMBER_HEADERS = ["行政村代码", "户编号", "姓名", "身份证号码", "与户主关系", "文化程度", "劳动技能"]


def workbook(path: Path, household_rows, member_rows) -> None:
    """Written with xlsxwriter, which, as Excel and WPS do, records each sheet's <dimension>: openpyxl's
    write-only mode leaves it out, and openpyxl then reads every such sheet twice to find its size (a large part
    of the import's time in a profile, bench/HISTORY.md), which files saved by a county office's spreadsheet do
    not cost."""
    book = xlsxwriter.Workbook(str(path))
    for title, headers, data in (("贫困户", HOUSEHOLD_HEADERS, household_rows),
                                 ("家庭成员", MEMBER_HEADERS, member_rows)):
        sheet = book.add_worksheet(title)
        for r, row in enumerate([headers, *data]):
            sheet.write_row(r, 0, row)
    book.close()


def raw_bulk_create(villages, household_rows, member_rows):
    """The floor: the same rows, parsed already, inserted in batches without checks or history."""
    by_code = {v.code: v for v in villages}
    causes = {str(label): code for code, label in PovertyCause.choices}
    with transaction.atomic():
        households = Household.objects.bulk_create(
            (Household(village=by_code[r[0]], number=r[1], group_no=r[2], head_name=r[3],
                       primary_cause=causes[r[4]], status="assisted", identified_year=r[6], planned_exit_year=r[7],
                       has_dangerous_house=r[10] == "是")
             for r in household_rows), batch_size=1000)
        keyed = {(h.village.code, h.number): h for h in households}
        Member.objects.bulk_create(
            (Member(household=keyed[(r[0], r[1])], name=r[2], id_number=r[3], relation="head", education="junior",
                    labour="able", sex=SEX_MALE if int(r[3][16]) % 2 else SEX_FEMALE,
                    birth_date=datetime.date(int(r[3][6:10]), int(r[3][10:12]), int(r[3][12:14])))
             for r in member_rows), batch_size=1000)


def clear():
    """Empty what an import writes, in SQL: QuerySet.delete() would send a post_delete signal per row (the
    dashboards' bookkeeping, dashboards/snapshots.py), far slower than the import itself and not what is
    measured."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (LogEntry, Member, StatusChange, Household):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def peak_mib(fn) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def main():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    villages, user = world()
    household_rows, member_rows = rows(villages, ARGS.households, ARGS.members)
    total = len(household_rows) + len(member_rows)
    path = Path(tempfile.mkdtemp()) / "registry.xlsx"
    workbook(path, household_rows, member_rows)
    fmt = check_file(path, path.name)

    def preview():
        report = run_import("households", path, fmt, user, commit=False)
        assert report.ok and report.changes == total, report.all_problems[:5]

    def confirm():
        report = run_import("households", path, fmt, user, commit=True)
        assert report.committed and report.changes == total, report.all_problems[:5]

    def raw():
        raw_bulk_create(villages, household_rows, member_rows)

    results = []
    for label, fn in (("preview (check every row, roll back)", preview), ("confirm (check and write)", confirm),
                      ("raw bulk_create (no checks, no history)", raw)):
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        assert Household.objects.count() == (0 if fn is preview else ARGS.households)
        clear()
        peak = peak_mib(fn)
        clear()
        results.append((label, seconds, peak))

    confirm()
    start = time.perf_counter()
    report = run_import("households", path, fmt, user, commit=True)
    again = time.perf_counter() - start
    assert report.changes == 0 and Household.objects.count() == ARGS.households
    print(f"database: {connection.vendor}; file: {path.stat().st_size / 1024 / 1024:.1f} MB, "
          f"{ARGS.households:,} households + {len(member_rows):,} members = {total:,} rows")
    print("| step | seconds | rows/s | peak Python memory (tracemalloc) |")
    print("|---|---|---|---|")
    raw_seconds = results[-1][1]
    for label, seconds, peak in results:
        ratio = "" if label.startswith("raw") else f" ({seconds / raw_seconds:.0f}× raw)"
        print(f"| {label} | {seconds:.1f}{ratio} | {total / seconds:,.0f} | {peak:.0f} MiB |")
    print(f"| re-import of the same file (all rows unchanged) | {again:.1f} | {total / again:,.0f} | — |")


if __name__ == "__main__":
    main()
