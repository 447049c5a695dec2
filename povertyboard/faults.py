"""Faults without loss: when the database is unreachable, answer 503 (a page, or JSON under /api/) and recover.

A database that is down or drops the connection raises OperationalError / InterfaceError. Django opens a
connection per request (or re-checks a kept one, with CONN_HEALTH_CHECKS), so the site recovers by itself
when the database is back; until then every request answers 503 with Retry-After rather than a 500 with a
stack trace. Nothing is half written: each write runs in a transaction that the error rolls back.

Two paths reach the middleware:
- an error raised by the view: `process_exception` answers directly;
- an error raised before or after the view by another middleware (the session and the signed-in user are
  read from the database in `LoginRequiredMiddleware.process_view`): Django turns it into a 500 response
  one layer down and sends `got_request_exception`; the receiver marks the request and `__call__`, the
  outermost layer, swaps that 500 for the 503.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from povertyboard.errors import is_api

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MARK = "_povertyboard_database_unavailable"


def is_database_fault(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def unavailable_response(request) -> HttpResponse:
    """503 with Retry-After: JSON {"detail": ...} for the API, the plain 503.html page (no database) otherwise."""
    if is_api(request):
        response = JsonResponse({"detail": _("数据库暂时无法连接，请稍后重试。")}, status=503)
    else:
        # rendered without the request: the context processors and the base layout read the database
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@receiver(got_request_exception, dispatch_uid="povertyboard.faults.mark_database_fault")
def mark_database_fault(sender, request=None, **kwargs):
    """Sent while Django handles an uncaught exception (sys.exc_info() is that exception)."""
    if request is not None and is_database_fault(sys.exc_info()[1]):
        setattr(request, MARK, True)


class DatabaseUnavailableMiddleware:
    """Place it right after SecurityMiddleware, so that it wraps every layer that reads the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, MARK, False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_fault(exception):
            return None
        logger.error("Database unavailable: %s %s: %s", request.method, request.path,
                     type(exception).__name__, exc_info=(type(exception), exception, exception.__traceback__))
        return unavailable_response(request)
