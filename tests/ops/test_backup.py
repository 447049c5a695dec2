"""Backup that restores (README "Backup and restore"): a restored copy of a seeded database reconciles and holds
the same rows. Each test seeds its own database with manage.py, apart from the suite's test database."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite procedure; PostgreSQL: test below")
def test_sqlite_backup_of_a_seeded_database_restores_and_reconciles(tmp_path):
    live, backup, restored = tmp_path / "db.sqlite3", tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    for step in (("migrate", "--verbosity", "0"), ("seed_reports",)):
        result = manage(f"sqlite:///{live}", *step)
        assert result.returncode == 0, result.stderr[-2000:]

    # sqlite3 db.sqlite3 ".backup backup.sqlite3" — the same online backup API, safe while the site writes
    with sqlite3.connect(live) as source, sqlite3.connect(backup) as target:
        source.execute("BEGIN")  # a reader holding a transaction open does not stop the backup
        source.backup(target)
    # restore: the backup file copied into place (the site stopped)
    shutil.copyfile(backup, restored)

    counts = row_counts(live)
    assert counts == row_counts(restored)
    assert counts["households_household"] > 0 and counts["villages_reportfigure"] == 75
    result = manage(f"sqlite:///{restored}", "reconcile_reports")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "75 OK, 0 MISMATCH"


@pytest.mark.skipif(connection.vendor != "postgresql" or not shutil.which("pg_dump"),
                    reason="needs PostgreSQL and its client programs (pg_dump, pg_restore, psql)")
def test_postgresql_dump_restores_into_a_new_database_and_reconciles():
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    result = subprocess.run(["bash", "bench/backup_check.sh", server], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "75 OK, 0 MISMATCH" in result.stdout and "backup restores: OK" in result.stdout
