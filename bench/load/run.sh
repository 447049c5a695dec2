#!/usr/bin/env bash
# Load benchmark (issue 9): gunicorn (3 sync workers as in its recorded figures, DEBUG=0) on PostgreSQL over loopback with N generated households,
# a mixed scenario of pages, API lists, cadre measure POSTs and the 331 Excel export at 32 connections for 60 s.
#   bash bench/load/run.sh                 # prints the figures
#   RECORD=1 bash bench/load/run.sh        # also appends them to bench/RESULTS.md
# Environment: N (20000), DURATION (60), CONCURRENCY (32), PORT (18457), PGHOST/PGUSER (127.0.0.1/postgres).
# Creates the database povertyboard_load (dropped first if left over) and drops it at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-20000}; DURATION=${DURATION:-60}; CONCURRENCY=${CONCURRENCY:-32}; PORT=${PORT:-18457}
PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; DB=povertyboard_load
PY=.venv/bin/python

export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 DB_CONN_MAX_AGE=60 LOG_LEVEL=WARNING
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(60))"); export SECRET_KEY
export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
export DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH="$PWD/bench/load"
LOAD_STATIC_ROOT=$(mktemp -d); export LOAD_STATIC_ROOT
WORK=$(mktemp -d)
GUNICORN_PID=

cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
    rm -rf "$LOAD_STATIC_ROOT" "$WORK"
}
trap cleanup EXIT

step() { echo "== $(date +%T) $*"; }

dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
createdb -h "$PGHOST" -U "$PGUSER" "$DB"
step "migrate"; $PY manage.py migrate --noinput -v 0
step "seed_reports (demo users)"; $PY manage.py seed_reports > /dev/null
step "generate_demo --households $N --append"; $PY manage.py generate_demo --households "$N" --append
step "collectstatic (scratch directory, uncompressed)"; $PY manage.py collectstatic --noinput -v 0
TARGETS=$($PY manage.py shell < bench/load/prep.py | sed -n 's/^TARGETS=//p')
echo "targets: $TARGETS"
psql -h "$PGHOST" -U "$PGUSER" -d "$DB" -Atq -F ' ' > "$WORK/rows" <<'SQL'
SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name),
       false, true, '')))[1]::text::bigint AS n
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
  AND split_part(table_name, '_', 1) IN ('villages', 'households', 'cadres', 'assessments')
ORDER BY n DESC, table_name;
SQL

step "gunicorn on 127.0.0.1:$PORT"
.venv/bin/gunicorn povertyboard.wsgi:application --bind "127.0.0.1:$PORT" --workers 3 --worker-class sync \
    --timeout 120 --forwarded-allow-ips 127.0.0.1 --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 60); do
    curl -s -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 1
done

step "load: $CONCURRENCY connections, $DURATION s"
status=0
$PY bench/load/client.py --port "$PORT" --targets "$TARGETS" --duration "$DURATION" \
    --concurrency "$CONCURRENCY" --json-out "$WORK/figures.json" || status=$?
if grep -q -i "error\|traceback" "$WORK/gunicorn.log"; then
    echo "gunicorn log:"; grep -i -A3 "error\|traceback" "$WORK/gunicorn.log" | head -60
fi

if [ "${RECORD:-0}" = 1 ] && [ -s "$WORK/figures.json" ]; then
    $PY bench/load/record.py "$WORK/figures.json" "$TARGETS" "$WORK/rows" "$N" >> bench/RESULTS.md
    echo "appended to bench/RESULTS.md"
fi
exit $status
