"""gunicorn's settings for production (README, Production) and bench/load/concurrency.sh.

gunicorn reads ./gunicorn.conf.py by itself when started from the checkout; flags on its command line override it.
The worker model is the one the benchmarks chose: on 2 vCPUs, 5 gthread workers × 4 threads served more
requests/s than 5 sync workers on every route, and at least as many as one sync worker per connection at a
fraction of the memory (bench/HISTORY.md: 2026-12-01's "sync or gthread", and "third machine").
"""
import gc
import multiprocessing

wsgi_app = "povertyboard.wsgi:application"
bind = "127.0.0.1:8000"  # nginx only: Django trusts X-Forwarded-Proto and X-Real-IP, which only nginx may set
forwarded_allow_ips = "127.0.0.1"
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 4
timeout = 120  # above the default 30 s: the longest requests, an import and an Excel export (bench/RESULTS.md)
# the path without its query string: searches and filters carry resident IDs and names
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
logger_class = "povertyboard.gunicorn_logging.MaskingLogger"  # ... and paths can carry them too: masked


def post_worker_init(worker):
    """Load the URLconf (every view, serializer and filterset) and its reverse index, then freeze what the worker holds.

    A full garbage collection walks every object the collector tracks and holds the GIL meanwhile, stalling all
    the worker's threads, and the loaded application is most of what it walks (bench/RESULTS.md, gc pauses).
    Objects frozen here are never walked again (before and after: bench/HISTORY.md, "eighth machine"). Collected
    first, so none of them is garbage: they are the modules, classes and URL patterns the worker keeps for its
    whole life.
    """
    from django.urls import reverse

    reverse("login")  # imports the URLconf and builds the index every reverse() reads
    gc.collect()
    gc.freeze()
