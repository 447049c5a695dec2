#!/usr/bin/env bash
# Scale benchmarks (issue #8): for each N, a scratch PostgreSQL database pb_bench_N filled by
# migrate + seed_reports + generate_demo --households N --append, then bench/bench_pages.py and
# bench/bench_scale_scoring.py on it, then the database is dropped.
#   bash bench/scale.sh                 # N = 2000 20000
#   NS="2000 20000 200000" bash bench/scale.sh
#   KEEP=1 bash bench/scale.sh          # reuse a pb_bench_N left from an earlier run, and keep it afterwards
# Environment: NS, RUNS (20 page requests per figure), PGHOST/PGUSER (127.0.0.1/postgres), KEEP.
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-"2000 20000"}; RUNS=${RUNS:-20}; PGHOST=${PGHOST:-127.0.0.1}; PGUSER=${PGUSER:-postgres}; KEEP=${KEEP:-0}
PY=.venv/bin/python

echo "machine: nproc $(nproc), RAM $(free -g | awk '/^Mem:/ {print $2}') GiB, $(psql -h "$PGHOST" -U "$PGUSER" \
    -Atc 'SHOW server_version' postgres | cut -d' ' -f1) PostgreSQL; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for N in $NS; do
    DB=pb_bench_$N
    export DATABASE_URL="postgres://$PGUSER@$PGHOST:5432/$DB"
    if [ "$KEEP" = 1 ] && psql -h "$PGHOST" -U "$PGUSER" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" \
        postgres | grep -q 1; then
        echo "== N=$N: reusing $DB"
    else
        echo "== N=$N: building $DB ($(date +%T))"
        dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
        createdb -h "$PGHOST" -U "$PGUSER" "$DB"
        $PY manage.py migrate --noinput -v 0
        $PY manage.py seed_reports > /dev/null
        $PY manage.py generate_demo --households "$N" --append
    fi
    # planner statistics and the visibility map, as autovacuum would leave them after the bulk load (its insert
    # threshold triggers a vacuum too): without the map the count over a county's households reads the heap
    psql -h "$PGHOST" -U "$PGUSER" -d "$DB" -qc 'VACUUM ANALYZE'
    echo "database size: $(psql -h "$PGHOST" -U "$PGUSER" -d "$DB" -Atc "SELECT pg_size_pretty(pg_database_size('$DB'))")"
    # the INFO lines are django-axes announcing the benchmark's logins
    $PY bench/bench_pages.py --runs "$RUNS" 2>&1 | grep -v ' INFO '
    $PY bench/bench_scale_scoring.py 2>&1 | grep -v ' INFO '
    [ "$KEEP" = 1 ] || dropdb -h "$PGHOST" -U "$PGUSER" "$DB"
done
