"""Driver of bench/load/concurrency.sh (issue #8): each route alone under wrk at a fixed number of connections.

Run by concurrency.sh against its gunicorn (the same environment: DATABASE_URL, load_settings), with the targets
that prep.py printed. It
- logs the county-staff account `loadstaff` in once through the login form and gets its API token
  (client.login / client.api_token: the session and the token the requests below carry);
- counts each route's queries once, in this process, through the Django test client with the same session or
  token (CaptureQueriesContext, after one warm-up request), with their database time and the slowest query;
- runs wrk on each route separately (--warmup seconds discarded, then --duration seconds measured), in
  --rounds rounds, each round starting with the trivial endpoint, which also runs once more at the end;
- prints Markdown table rows: per route the median over the rounds of requests/s, p50/p95/p99, the non-2xx
  responses of all rounds, and the median of its throughput as a fraction of the trivial endpoint's measured
  just before and just after it (the mean of the two): a machine whose speed drifts (a shared VM) moves both;
- and where the machine's CPU went during each measured window, per request: the gunicorn workers, the
  PostgreSQL server's processes, wrk, the rest (kernel, other processes), and how busy the machine was. On these
  2-vCPU machines all of them share the two cores, so a route's throughput is bounded by the sum.
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from client import api_token, login  # noqa: E402  (this script's directory, bench/load, is on sys.path)

LUA = HERE / "wrk_report.lua"
USER = "loadstaff"  # made by prep.py: county staff of the largest generated county
TRIVIAL = "trivial: API root"


def routes(t: dict) -> list[tuple[str, str, str]]:
    """(name, credentials, path). The trivial endpoint comes first."""
    return [
        (TRIVIAL, "token", "/api/v1/"),
        ("api: households list, 50 rows", "token", "/api/v1/households/?page_size=50"),
        ("api: village summary", "token", f"/api/v1/villages/{t['village_code']}/summary/"),
        ("page: county dashboard", "session", f"/areas/{t['county_code']}/"),
        ("page: village", "session", f"/areas/village/{t['village_code']}/"),
    ]


def headers(credentials: str, session: dict, token: str, connection: str = "close") -> dict:
    """What nginx would pass on (README, Production), plus the credentials. The README's nginx proxies with its
    defaults, HTTP/1.0 and `Connection: close`: every request reaches gunicorn on a new connection, which
    whichever worker is free accepts. With "keep-alive" each of the load tool's connections stays with the
    worker that accepted it, however busy (bench/HISTORY.md, "seventh machine")."""
    head = {"X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1", "Accept": "application/json, text/html",
            "Connection": connection}
    if credentials == "token":
        head["Authorization"] = f"Token {token}"
    else:
        head["Cookie"] = f"sessionid={session['sessionid']}"
    return head


def query_counts(table, session: dict, token: str) -> dict:
    """Per path: (queries, their database ms, the slowest query's ms and SQL start), one request each."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    counts = {}
    for _name, credentials, path in table:
        client = Client(headers=headers(credentials, session, token))
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path}: HTTP {response.status_code} {response.content[:300]!r}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        times = [(float(q["time"]) * 1000, q["sql"]) for q in queries.captured_queries]
        slowest = max(times, default=(0.0, ""))
        counts[path] = (len(times), sum(ms for ms, _sql in times), slowest)
    connection.close()
    return counts


def run_wrk(args, path: str, head: dict, seconds: int) -> dict:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s", "--timeout", "30s",
               "-s", str(LUA)]
    for key, value in head.items():
        command += ["-H", f"{key}: {value}"]
    command.append(f"http://127.0.0.1:{args.port}{path}")
    done = subprocess.run(command, capture_output=True, text=True)
    match = re.search(r"^WRK (\{.*\})$", done.stdout, re.M)
    if done.returncode or not match:
        sys.exit(f"wrk failed on {path} (exit status {done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads(match.group(1))


def cpu_seconds(gunicorn_pid: int) -> dict:
    """CPU seconds used so far by the gunicorn workers, PostgreSQL's processes, this process's finished children
    (wrk), and the machine: busy and all (/proc/stat, every core)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                head, tail = stat.read().rsplit(")", 1)
        except OSError:  # ended meanwhile
            continue
        comm, fields = head.split("(", 1)[1], tail.split()
        # fields[0] is the state (the third field of stat(5)): parent fields[1], utime fields[11], stime fields[12]
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == gunicorn_pid or int(fields[1]) == gunicorn_pid:
            used["gunicorn"] += seconds
        elif comm == "postgres":
            used["postgres"] += seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["wrk"] = children.ru_utime + children.ru_stime
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    used["all"] = sum(ticks[:8]) / tick  # user nice system idle iowait irq softirq steal
    used["busy"] = used["all"] - (ticks[3] + ticks[4]) / tick
    return used


def machine() -> str:
    with open("/proc/meminfo") as meminfo:
        kib = int(meminfo.readline().split()[1])
    return f"nproc {os.cpu_count()}, RAM {kib / 2**20:.1f} GiB"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--targets", required=True, help="JSON from prep.py")
    parser.add_argument("--label", required=True, help="the dataset's N, first column of the rows")
    parser.add_argument("--server", required=True, help="the gunicorn configuration, printed with the figures")
    parser.add_argument("--gunicorn-pid", type=int, required=True, help="the gunicorn master's pid (CPU accounting)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=25, help="seconds measured per route")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per route before, discarded")
    parser.add_argument("--rounds", type=int, default=1, help="times every route is measured")
    parser.add_argument("--connection", choices=["close", "keep-alive"], default="close",
                        help="the Connection header of every request: close (a new connection per request, as "
                             "from the README's nginx) or keep-alive (wrk's connections kept)")
    args = parser.parse_args()
    targets = json.loads(args.targets)
    table = routes(targets)

    session = login(args.port, USER)
    token = api_token(args.port, USER)
    counts = query_counts(table, session, token)

    print(f"dataset: {args.label}; households in the database {targets['households_total']:,}; county "
          f"{targets['county_name']} {targets['county_code']} ({targets['county_households']:,} households), "
          f"village {targets['village_code']} ({targets['village_households']:,} households)")
    print(f"server: {args.server}; wrk {args.threads} threads, {args.connections} connections, {args.warmup} s "
          f"warm-up + {args.duration} s per route, {args.rounds} round(s), Connection: {args.connection}; machine: "
          f"{machine()}; load average at the start {load()}", flush=True)

    def measure(name, credentials, path) -> dict:
        head = headers(credentials, session, token, args.connection)
        run_wrk(args, path, head, args.warmup)
        before = cpu_seconds(args.gunicorn_pid)
        result = run_wrk(args, path, head, args.duration)
        after = cpu_seconds(args.gunicorn_pid)
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        spent = {key: after[key] - before[key] for key in after}
        result["cpu_ms"] = {key: spent[key] * 1000 / result["requests"] for key in ("gunicorn", "postgres", "wrk")}
        result["cpu_ms"]["other"] = spent["busy"] * 1000 / result["requests"] - sum(result["cpu_ms"].values())
        result["busy"] = spent["busy"] / spent["all"]
        print(f"  {name}: {result['rps']:.1f} requests/s, p95 {result['p95_us'] / 1000:.0f} ms "
              f"(load average {load()})", flush=True)
        return result

    rounds = [[measure(*route) for route in table] for _round in range(args.rounds)]
    trivial = [results[0]["rps"] for results in rounds] + [measure(TRIVIAL + " (last)", *table[0][1:])["rps"]]
    print()
    print("| N | route | request | queries (their ms) | requests/s | p50 ms | p95 ms | p99 ms | non-2xx "
          "| ÷ trivial |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for i, (name, _credentials, path) in enumerate(table):
        runs = [results[i] for results in rounds]
        ratio = statistics.median(run["rps"] / ((trivial[r] + trivial[r + 1]) / 2) for r, run in enumerate(runs))
        queries, sql_ms, _slowest = counts[path]
        median = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50_us", "p95_us", "p99_us")}
        errors = sum(run["non_2xx"] + run["socket_errors"] for run in runs)
        print(f"| {args.label} | {name} | `GET {path}` | {queries} ({sql_ms:.0f}) | {median['rps']:.1f} | "
              f"{median['p50_us'] / 1000:.0f} | {median['p95_us'] / 1000:.0f} | {median['p99_us'] / 1000:.0f} | "
              f"{errors} | {ratio:.2f} |")
    print()
    print(f"Medians over {args.rounds} round(s). ÷ trivial: a route's requests/s over the mean of the trivial "
          f"endpoint's just before and after it (trivial runs: {', '.join(f'{x:.1f}' for x in trivial)} "
          f"requests/s); non-2xx includes socket errors and timeouts. Load average at the end: {load()}")
    print()
    print("CPU per request during the measured windows (ms of one core; medians over the rounds), and how busy the "
          "machine's cores were:")
    print()
    print("| N | route | gunicorn workers | PostgreSQL | wrk | other (kernel, the rest) | all | machine busy |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (name, *_request) in enumerate(table):
        runs = [results[i] for results in rounds]
        cpu = {key: statistics.median(run["cpu_ms"][key] for run in runs) for key in runs[0]["cpu_ms"]}
        total = statistics.median(sum(run["cpu_ms"].values()) for run in runs)
        busy = statistics.median(run["busy"] for run in runs)
        print(f"| {args.label} | {name} | {cpu['gunicorn']:.2f} | {cpu['postgres']:.2f} | {cpu['wrk']:.2f} | "
              f"{cpu['other']:.2f} | {total:.2f} | {busy:.0%} |")
    print()
    for _name, _credentials, path in table:
        _queries, _ms, (ms, sql) = counts[path]
        print(f"slowest query of {path}: {ms:.1f} ms  {sql[:160]}")
    if any(run["non_2xx"] + run["socket_errors"] for results in rounds for run in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
