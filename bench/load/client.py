"""Load client for bench/load/run.sh: Python stdlib only (threads, one keep-alive http.client connection each).

Logs in once per user through /accounts/login/ (CSRF token, the same form a browser posts) and reuses the
session; gets the cadre's API token once from /api/v1/auth/token/. Every request carries
`X-Forwarded-Proto: https` and `X-Real-IP`, as nginx sends them (README, Production), so the DEBUG=0 server neither
redirects to https nor refuses the secure cookies. Then runs the mixed scenario for --duration seconds on
--concurrency connections and prints requests/s, p50/p95/p99 per route and every error (anything but the
expected status, connection errors). Exit status 1 when there was any error.
"""
import argparse
import http.client
import json
import math
import random
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

PASSWORD = "povertyboard-demo"
SERIAL_RUNS = 5  # unloaded requests per route (median)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Client:
    def __init__(self, port: int, cookies: dict | None = None, token: str | None = None):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=130)
        self.cookies = dict(cookies or {})
        self.token = token

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        head = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "X-Real-IP": "127.0.0.1",
                **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            head["Authorization"] = f"Token {self.token}"
        try:
            self.conn.request(method, path, body=body, headers=head)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request reconnects
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data


def login(port: int, username: str) -> dict:
    """One correct login (django-axes locks a username after 5 failures): the session and CSRF cookies."""
    client = Client(port)
    status, _, page = client.request("GET", "/accounts/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        sys.exit(f"login page for {username}: HTTP {status}, no CSRF token")
    body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()})
    origin = f"https://127.0.0.1:{port}"
    status, headers, page = client.request("POST", "/accounts/login/", body.encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + "/accounts/login/"})
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"login of {username} failed: HTTP {status} {page[:300]!r}")
    return client.cookies


def api_token(port: int, username: str) -> str:
    body = urlencode({"username": username, "password": PASSWORD}).encode()
    status, _, data = Client(port).request("POST", "/api/v1/auth/token/", body,
                                           {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        sys.exit(f"token for {username}: HTTP {status} {data[:300]!r}")
    return json.loads(data)["token"]


def routes(t: dict):
    """(name, weight, user, method, path, body maker, expected status, expected content type)."""
    n = 0
    lock = threading.Lock()

    def measure_body():
        nonlocal n
        with lock:
            n += 1
            k = n
        return json.dumps({"village": t["cadre_village"], "category": "industry", "title": f"压测措施{k}",
                           "planned_date": "2016-05-01", "amount": "3000"}).encode()

    return [
        ("page: county dashboard", 2, "staff", "GET", f"/areas/{t['county_code']}/", None, 200, "text/html"),
        ("page: village", 3, "staff", "GET", f"/areas/village/{t['village_code']}/", None, 200, "text/html"),
        ("page: household list", 3, "staff", "GET", "/households/", None, 200, "text/html"),
        ("api: households list", 4, "staff", "GET", "/api/v1/households/", None, 200, "application/json"),
        ("api: measures list", 4, "staff", "GET", "/api/v1/measures/", None, 200, "application/json"),
        ("api: cadre measure POST", 3, "cadre", "POST", "/api/v1/measures/", measure_body, 201, "application/json"),
        ("export: 331 scorecards .xlsx", 1, "supervisor", "GET", f"/assessments/{t['period_id']}/export.xlsx",
         None, 200, XLSX),
    ]


def percentile(sorted_values: list, p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(0, math.ceil(len(sorted_values) * p / 100) - 1)] if sorted_values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--targets", required=True, help="JSON from prep.py")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--json-out", help="write the figures here as JSON")
    args = parser.parse_args()
    targets = json.loads(args.targets)

    auth = {"staff": {"cookies": login(args.port, "loadstaff")},
            "supervisor": {"cookies": login(args.port, "supervisor")},
            "cadre": {"token": api_token(args.port, "cadre")}}
    table = routes(targets)

    def call(client, route):
        name, _, _, method, path, make_body, want, want_type = route
        headers = {"Content-Type": "application/json", "Accept": "application/json"} if make_body else {}
        started = time.perf_counter()
        try:
            status, response_headers, data = client.request(method, path, make_body() if make_body else None,
                                                             headers)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and printed, never hidden
            return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        content_type = response_headers.get("Content-Type", "")
        if status != want or not content_type.startswith(want_type):
            return elapsed, f"HTTP {status} {content_type} {data[:200]!r}"
        return elapsed, None

    # Each route alone, one request at a time, before the clock starts: the service time without queueing (the
    # first call warms the worker and is left out); a wrong target fails here, loudly.
    serial = {}
    for route in table:
        client = Client(args.port, **auth[route[2]])
        times = []
        for _ in range(SERIAL_RUNS + 1):
            elapsed, error = call(client, route)
            if error:
                sys.exit(f"{route[0]} {route[4]}: {error}")
            times.append(elapsed)
        serial[route[0]] = sorted(times[1:])[SERIAL_RUNS // 2]

    latencies = defaultdict(list)
    errors = defaultdict(Counter)
    stop_at = time.perf_counter() + args.duration
    weights = [route[1] for route in table]

    def worker(seed: int):
        rng = random.Random(seed)
        clients = {user: Client(args.port, **credentials) for user, credentials in auth.items()}
        mine, my_errors = defaultdict(list), defaultdict(Counter)
        while time.perf_counter() < stop_at:
            route = rng.choices(table, weights)[0]
            elapsed, error = call(clients[route[2]], route)
            mine[route[0]].append(elapsed)
            if error:
                my_errors[route[0]][error] += 1
        for name, values in mine.items():  # merged once at the end: no lock in the loop
            with merge_lock:
                latencies[name].extend(values)
                errors[name].update(my_errors[name])

    merge_lock = threading.Lock()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    total = sum(len(v) for v in latencies.values())
    total_errors = sum(sum(c.values()) for c in errors.values())
    figures = {"duration_s": round(wall, 1), "concurrency": args.concurrency, "requests": total,
               "requests_per_s": round(total / wall, 1), "errors": total_errors, "routes": []}
    print(f"{total} requests in {wall:.1f} s on {args.concurrency} connections: {total / wall:.1f} requests/s, "
          f"{total_errors} errors")
    print(f"{'route':32} {'alone ms':>8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for route in table:
        values = sorted(latencies[route[0]])
        row = {"route": route[0], "method": route[3], "path": route[4], "alone_ms": round(serial[route[0]] * 1000),
               "count": len(values),
               "p50_ms": round(percentile(values, 50) * 1000), "p95_ms": round(percentile(values, 95) * 1000),
               "p99_ms": round(percentile(values, 99) * 1000), "errors": sum(errors[route[0]].values())}
        figures["routes"].append(row)
        print(f"{row['route']:32} {row['alone_ms']:8} {row['count']:6} {row['p50_ms']:8} {row['p95_ms']:8} "
              f"{row['p99_ms']:8} {row['errors']:6}")
    for name, counter in errors.items():
        for message, count in counter.most_common():
            print(f"ERROR {name}: {count} × {message}")
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump(figures, out, ensure_ascii=False, indent=1)
    sys.exit(1 if total_errors else 0)


if __name__ == "__main__":
    main()
