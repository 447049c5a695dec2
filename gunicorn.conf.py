"""gunicorn's settings for production (README, Production) and bench/load/concurrency.sh.

gunicorn reads ./gunicorn.conf.py by itself when started from the checkout; flags on its command line override it.
The worker model is the one measured in bench/RESULTS.md: on 2 vCPUs, 5 gthread workers × 4 threads served
1.3–2.8× the requests/s of 5 sync workers.
"""
import gc
import multiprocessing

wsgi_app = "povertyboard.wsgi:application"
bind = "127.0.0.1:8000"  # nginx only: Django trusts X-Forwarded-Proto and X-Real-IP, which only nginx may set
forwarded_allow_ips = "127.0.0.1"
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 4
timeout = 120  # an import of 5,000 households takes ~35 s, an Excel export a few seconds
# the path without its query string: searches and filters carry resident IDs and names
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'


def post_worker_init(worker):
    """Load the URLconf (every view, serializer and filterset) and its reverse index, then freeze what the worker holds.

    A full garbage collection walks every object the collector tracks and holds the GIL meanwhile, stalling all
    the worker's threads: with the loaded application (~140,000 objects) that took 0.1–0.25 s per collection.
    Objects frozen here are never walked again (bench/RESULTS.md, "eighth machine"). Collected first, so none of
    them is garbage: they are the modules, classes and URL patterns the worker keeps for its whole life.
    """
    from django.urls import reverse

    reverse("login")  # imports the URLconf and builds the index every reverse() reads
    gc.collect()
    gc.freeze()
