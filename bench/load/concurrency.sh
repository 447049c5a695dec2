#!/usr/bin/env bash
# Concurrent serving (issue #8): gunicorn (DEBUG=0) on an existing generate_demo database, each route driven
# alone by wrk at 16 connections over loopback; prints Markdown rows (requests/s, p50/p95/p99, non-2xx, queries,
# throughput ÷ the trivial endpoint's) with the dataset and the machine.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_200000 bash bench/load/concurrency.sh
#   for n in 2000 20000 200000; do       # the three sizes of bench/RESULTS.md, serving the last commit
#       DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_$n REV=HEAD bash bench/load/concurrency.sh; done
# The database is one that bench/scale.sh builds (migrate, seed_reports, generate_demo --append, VACUUM ANALYZE); it is
# not dropped or changed, except for the bench account `loadstaff` that prep.py adds, its session and API token
# (and what the served code itself writes on a read: a dashboard snapshot computed on a miss, dashboards/snapshots.py).
# REV (e.g. REV=HEAD): serve that commit, exported with `git archive` into a scratch directory, instead of the
# working tree (which may hold other people's unfinished edits); the venv and node_modules are the checkout's.
# Environment: N (label of the rows; default the digits ending the database name), CONNECTIONS (16),
# ROUNDS (3: every route is measured once a round, the trivial endpoint first; the medians are printed),
# DURATION (10 s per route and round), WARMUP (3 s per route and round, discarded), WORKERS (2 × nproc + 1),
# WORKER_CLASS (gthread), THREADS (4 per worker), PORT (18458), CONNECTION (close: a new connection per request, as
# the README's nginx opens one to gunicorn for each; keep-alive: wrk's 16 connections kept, each on one worker). gthread, because on 2 vCPUs 5 gthread workers ×
# 4 threads served more requests/s than 5 sync workers on every route in one comparison and at least as many as
# 17 sync workers (one per connection) in five pairs; which of the two had the shorter p95 changed between runs
# (bench/HISTORY.md: 2026-12-01's "sync or gthread", and "third machine"). gunicorn also reads the served tree's
# gunicorn.conf.py (production's: its post_worker_init freezes the loaded application for the garbage collector);
# the flags here override its worker settings, so a REV from before the file is served with the same worker model.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHECKOUT=$PWD
: "${DATABASE_URL:?DATABASE_URL must name a database filled by generate_demo (e.g. pb_bench_200000)}"
DB=${DATABASE_URL##*/}
N=${N:-$(grep -o '[0-9]*$' <<<"$DB" || echo "$DB")}
CONNECTIONS=${CONNECTIONS:-16}; ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10}; WARMUP=${WARMUP:-3}; PORT=${PORT:-18458}
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}; WORKER_CLASS=${WORKER_CLASS:-gthread}; THREADS=${THREADS:-4}
CONNECTION=${CONNECTION:-close}
PY=$CHECKOUT/.venv/bin/python

if ! command -v wrk >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

export DATABASE_URL DEBUG=0 ALLOWED_HOSTS=127.0.0.1 DB_CONN_MAX_AGE=60 LOG_LEVEL=WARNING
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(60))"); export SECRET_KEY
# load_settings: the production settings with the static manifest in a scratch directory (with DEBUG off the
# pages' {% static %} tags need it).
WORK=$(mktemp -d); export LOAD_STATIC_ROOT="$WORK/static"
GUNICORN_PID=

cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { echo "== $(date +%T) $*"; }

if [ -n "${REV:-}" ]; then
    mkdir "$WORK/src"
    git archive "$REV" | tar -x -C "$WORK/src"
    ln -s "$CHECKOUT/node_modules" "$WORK/src/node_modules"
    cd "$WORK/src"
    step "serving $(git -C "$CHECKOUT" rev-parse --short "$REV") ($REV), exported to $PWD"
else
    step "serving the working tree $PWD (git status: $(git status --short | wc -l) changed files)"
fi
export DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH="$PWD/bench/load"
if ! plan=$($PY manage.py migrate --check --plan); then
    echo "$plan" >&2
    echo "$DB lacks the migrations above: migrate it first, or serve a commit that matches it (REV=…)" >&2
    exit 1
fi

step "collectstatic (scratch directory, uncompressed)"; $PY manage.py collectstatic --noinput -v 0
TARGETS=$($PY manage.py shell < bench/load/prep.py | sed -n 's/^TARGETS=//p')
echo "targets: $TARGETS"

SERVER="gunicorn $WORKERS $WORKER_CLASS workers"
if [ "$WORKER_CLASS" = gthread ]; then SERVER="$SERVER × $THREADS threads"; fi
step "$SERVER on 127.0.0.1:$PORT"
"$CHECKOUT/.venv/bin/gunicorn" povertyboard.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --worker-class "$WORKER_CLASS" --threads "$THREADS" --timeout 120 --forwarded-allow-ips 127.0.0.1 \
    --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 60); do
    curl -s -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/accounts/login/" && break
    sleep 1
done

step "wrk: $CONNECTIONS connections (Connection: $CONNECTION), ${WARMUP} s warm-up + ${DURATION} s per route, $ROUNDS rounds"
status=0
$PY bench/load/concurrency.py --port "$PORT" --targets "$TARGETS" --label "$N" --server "$SERVER" \
    --gunicorn-pid "$GUNICORN_PID" \
    --connections "$CONNECTIONS" --connection "$CONNECTION" --duration "$DURATION" --warmup "$WARMUP" \
    --rounds "$ROUNDS" || status=$?
# what the workers hold after serving every route (the memory a worker count costs)
ps -o rss= --ppid "$GUNICORN_PID" | awk '{kib += $1; n++} END {
    if (n) printf "gunicorn workers: %d, RSS %.0f MiB in all, %.0f MiB each\n", n, kib / 1024, kib / 1024 / n }'
if grep -q -i "error\|traceback" "$WORK/gunicorn.log"; then
    echo "gunicorn log:"; grep -i -A3 "error\|traceback" "$WORK/gunicorn.log" | head -60
fi
exit $status
