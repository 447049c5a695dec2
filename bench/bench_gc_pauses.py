"""Garbage-collector pauses behind the API household list's tail (issue #8), in-process, with and without the
gc.freeze() of gunicorn.conf.py's post_worker_init.

Each mode runs in its own fresh interpreter, alternating (plain, frozen, plain, frozen…): the production settings
(DEBUG off), the Django test client with loadstaff's token (bench/load/prep.py, run here first), WARM list requests,
then REQUESTS timed ones while gc.callbacks times every collection. Prints per run the objects the collector
tracks, the collections per generation (count, total and longest ms) and the list's p50/p95/p99/max.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_bench_200000 .venv/bin/python bench/bench_gc_pauses.py
Options: --pairs (2), --requests (400), --warm (30).
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "load"))

from client import percentile  # noqa: E402  (bench/load: the load client's nearest-rank percentile, stdlib only)

LIST = "/api/v1/households/?page_size=50"

CHILD = """
import gc, json, runpy, sys, time
import django
django.setup()
from django.test import Client
from django.contrib.auth.models import User
from accounts.models import ApiToken
mode, warm, requests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if mode == "frozen":
    runpy.run_path("gunicorn.conf.py")["post_worker_init"](None)
token = ApiToken.objects.create(user=User.objects.get(username="loadstaff"))[1]
client = Client(HTTP_AUTHORIZATION="Token " + token, HTTP_X_FORWARDED_PROTO="https")
for _ in range(warm):
    assert client.get(sys.argv[4]).status_code == 200
pauses, started = {0: [], 1: [], 2: []}, {}
def timer(phase, info):
    if phase == "start":
        started["t"] = time.perf_counter()
    else:
        pauses[info["generation"]].append((time.perf_counter() - started["t"]) * 1000)
gc.callbacks.append(timer)
times = []
for _ in range(requests):
    t = time.perf_counter()
    client.get(sys.argv[4])
    times.append((time.perf_counter() - t) * 1000)
gc.callbacks.remove(timer)
print(json.dumps({"tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count(), "pauses": pauses,
                  "times": times}))
"""


def run(mode: str, warm: int, requests: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "povertyboard.settings", "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-c", CHILD, mode, str(warm), str(requests), LIST], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--warm", type=int, default=30)
    args = parser.parse_args()
    os.chdir(ROOT)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "povertyboard.settings"}
    prep = subprocess.run([sys.executable, "manage.py", "shell"], stdin=open("bench/load/prep.py"), env=env,
                          capture_output=True, text=True, check=True)
    targets = json.loads(prep.stdout.split("TARGETS=", 1)[1])
    print(f"{targets['households_total']:,} households; loadstaff's county {targets['county_code']} "
          f"({targets['county_households']:,}); nproc {os.cpu_count()}, load average "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])}; GET {LIST}, {args.requests} after {args.warm}")
    print("| mode | tracked (frozen) | gen2: n, total / longest ms | gen1: n, total / longest ms "
          "| list p50 / p95 / p99 / max ms |")
    print("|---|---|---|---|---|")
    for _ in range(args.pairs):
        for mode in ("plain", "frozen"):
            r = run(mode, args.warm, args.requests)
            gens = {int(g): p for g, p in r["pauses"].items()}
            cells = [f"{len(gens[g])}, {sum(gens[g]):.0f} / {max(gens[g], default=0):.0f}" for g in (2, 1)]
            t = sorted(r["times"])
            print(f"| {mode} | {r['tracked']:,} ({r['frozen']:,}) | {cells[0]} | {cells[1]} | "
                  f"{percentile(t, 50):.1f} / {percentile(t, 95):.1f} / {percentile(t, 99):.1f} / {max(t):.1f} |")


if __name__ == "__main__":
    main()
