"""An import whose process is killed (SIGKILL) halfway through writing leaves the database as it was.

The import runs in a child process on a throw-away SQLite file (the test database of the suite is in memory, or
inside the test's transaction, where no other process could see it). The child reports when the first batch of
its bulk insert of households is in, and waits there; the test then kills it and reads the file: the import's
transaction never committed, so nothing of it is there, and the household the file would have changed is unchanged.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

CHILD = textwrap.dedent("""
    import datetime, os, sys, time
    os.environ["DJANGO_SETTINGS_MODULE"] = "povertyboard.settings"
    os.environ["DATABASE_URL"] = "sqlite:///" + sys.argv[1]
    import django
    django.setup()
    from pathlib import Path
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from imports.services import run_import
    from households.models import Household
    from povertyboard.access import COUNTY_STAFF
    from tests.imports.conftest import household_row, xlsx
    from villages.models import County, Township, UserArea, Village

    call_command("migrate", verbosity=0)
    county = County.objects.create(code="632821", name="乌兰县", prefecture="海西蒙古族藏族自治州")
    township = Township.objects.create(county=county, name="希里沟镇", kind="town")
    village = Village.objects.create(township=township, code="632821101001", name="希里演示01村", group_count=5)
    Household.objects.create(village=village, number="00001", head_name="原户主", primary_cause="illness",
                             identified_year=2015)
    user = User.objects.create_user("staff")
    user.groups.add(Group.objects.create(name=COUNTY_STAFF))
    UserArea.objects.create(user=user, county=county)
    rows = [household_row(village, f"{n:05d}", head=f"户主{n}") for n in range(1, 2001)]
    path = Path(sys.argv[1]).with_suffix(".xlsx")
    path.write_bytes(xlsx({"贫困户": rows}))

    def pause_after_the_first_rows(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "households_household"'):
            print("WRITING", flush=True)  # a batch of households is in, inside the import's transaction
            time.sleep(120)
        return result

    print("READY", flush=True)
    with connection.execute_wrapper(pause_after_the_first_rows):
        run_import("households", path, "xlsx", user, commit=True)
    print("DONE", flush=True)
""")


def test_a_killed_import_leaves_the_database_as_it_was(tmp_path):
    database = tmp_path / "killed.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(database)], cwd=settings.BASE_DIR,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(Path(settings.BASE_DIR))})
    try:
        lines = []
        for line in child.stdout:
            lines.append(line.strip())
            if line.strip() in ("WRITING", "DONE"):
                break
        assert lines[-1:] == ["WRITING"], f"{lines}\n{child.stderr.read() if child.poll() is not None else ''}"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    with sqlite3.connect(database) as db:
        households = db.execute("SELECT number, head_name FROM households_household").fetchall()
        entries = db.execute("SELECT COUNT(*) FROM auditlog_logentry").fetchone()[0]
    assert households == [("00001", "原户主")]  # a batch of rows was written in the transaction; none stayed
    assert entries == 1  # the history of the household created before the import, nothing of the import
