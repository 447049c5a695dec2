#!/usr/bin/env bash
# Backup and restore check on PostgreSQL (issue 9): seed a new database, back it up with pg_dump -Fc, restore the
# dump with pg_restore into another new database, then check the copy: every report figure reconciles
# (manage.py reconcile_reports) and every table holds as many rows as the original.
#
# Usage: bench/backup_check.sh [postgres://user@host:port]   (default postgres://postgres@127.0.0.1:5432)
# Needs pg_dump / pg_restore / psql of the server's major version or newer. Both databases are dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=${1:-postgres://postgres@127.0.0.1:5432}
SERVER=${SERVER%/}
PYTHON=${PYTHON:-.venv/bin/python}
SOURCE=pb_backup_source_$$
COPY=pb_backup_copy_$$
WORK=$(mktemp -d)

sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$SERVER/postgres" -c "$1"; }
cleanup() {
    sql "DROP DATABASE IF EXISTS $SOURCE" || true
    sql "DROP DATABASE IF EXISTS $COPY" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Exact row count of every table of the public schema, one "table count" line each.
counts() {
    psql -X -A -t -F ' ' -v ON_ERROR_STOP=1 -d "$SERVER/$1" -c "
        SELECT table_name,
               (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', table_name),
                                                     false, true, '')))[1]::text
        FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
        ORDER BY table_name"
}

echo "== seeding $SOURCE"
sql "CREATE DATABASE $SOURCE"
DATABASE_URL=$SERVER/$SOURCE "$PYTHON" manage.py migrate --verbosity 0
DATABASE_URL=$SERVER/$SOURCE "$PYTHON" manage.py seed_reports > /dev/null

echo "== backup: pg_dump -Fc"
pg_dump --format=custom --file="$WORK/povertyboard.dump" --dbname="$SERVER/$SOURCE"

echo "== restore into $COPY: pg_restore"
sql "CREATE DATABASE $COPY"
pg_restore --no-owner --exit-on-error --dbname="$SERVER/$COPY" "$WORK/povertyboard.dump"

echo "== reconcile the copy"
DATABASE_URL=$SERVER/$COPY "$PYTHON" manage.py reconcile_reports | tail -n 1

echo "== row counts per table"
counts "$SOURCE" > "$WORK/source.txt"
counts "$COPY" > "$WORK/copy.txt"
if ! diff -u "$WORK/source.txt" "$WORK/copy.txt"; then
    echo "row counts differ" >&2
    exit 1
fi
echo "$(wc -l < "$WORK/source.txt") tables, $(awk '{s += $2} END {print s}' "$WORK/source.txt") rows: same in the copy"
echo "backup restores: OK"
