"""Format one bench/load/run.sh run as a bench/RESULTS.md section (Markdown on stdout)."""
import datetime
import json
import os
import platform
import sys

figures_path, targets_json, rows_path, n = sys.argv[1:5]
figures = json.load(open(figures_path))
t = json.loads(targets_json)
rows = [line.split() for line in open(rows_path) if line.strip()]
ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
load = os.getloadavg()
queue = figures["concurrency"] / figures["requests_per_s"]

print(f"""
## Load — `bench/load/run.sh` ({datetime.date.today().isoformat()})

gunicorn (3 sync workers, `--timeout 120`), DEBUG=0 with a generated SECRET_KEY, `DB_CONN_MAX_AGE=60`,
PostgreSQL on loopback; the client (`bench/load/client.py`, stdlib threads, one keep-alive connection each,
`X-Forwarded-Proto: https` as nginx sends it) on the same machine, {figures['concurrency']} connections for
{figures['duration_s']} s, each picking routes at random by weight (2:3:3:4:4:3:1 in the table's order). Pages and
API lists are read by a county-staff account bound to the largest generated county, {t['county_name']}
({t['county_code']}, {t['county_households']:,} households; village {t['village_code']}: {t['village_households']}
households); the POSTs are the demo cadre's new measures (token auth) for village {t['cadre_village']}; the
export is the demo supervisor's 331 scorecards of period {t['period_id']} ({t['period_scorecards']} scorecards).
One form login per user, sessions reused. Static files are not requested.

Dataset: `seed_reports` + `generate_demo --households {int(n):,} --append`, {t['households_total']:,} households
in all. Rows per table (domain tables, at the start): {", ".join(f"{name} {int(c):,}" for name, c in rows if int(c))}.

Machine: `nproc` {os.cpu_count()} ({platform.machine()}), {ram:.0f} GiB RAM, Python {platform.python_version()};
client, gunicorn and PostgreSQL share the CPUs with other people's work (load average {load[0]:.1f} at the end of the
run), so the absolute figures are lower bounds.

**{figures['requests_per_s']} requests/s** overall ({figures['requests']:,} requests), **{figures['errors']} errors**
(anything but the expected status — 200, 201 for the POST — and content type, or a connection error).

| route | request | alone ms | count | p50 ms | p95 ms | p99 ms | errors |
|---|---|---|---|---|---|---|---|""")
for r in figures["routes"]:
    print(f"| {r['route']} | `{r['method']} {r['path']}` | {r['alone_ms']:,} | {r['count']:,} | {r['p50_ms']:,} | "
          f"{r['p95_ms']:,} | {r['p99_ms']:,} | {r['errors']} |")
print(f"""
"alone": median of 5 requests of that route one at a time on the idle server, before the load. Under load the
latencies are mostly queueing: {figures['concurrency']} connections on 3 sync workers keep about
{figures['concurrency'] / 3:.0f} requests waiting per worker, and {figures['concurrency']} / {figures['requests_per_s']}
requests/s = {queue:.1f} s is the mean time in the system (Little's law), close to every route's p50.""")
