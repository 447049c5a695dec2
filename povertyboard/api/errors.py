"""Errors as the API answers them: 400 with field errors, 409 for a lost race, never a 500 for bad input."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    """409: the row changed since the client read it (optimistic locking) or clashes with another row."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("数据已被他人修改，请重新读取后再提交。")
    default_code = "conflict"


def exception_handler(error, context):
    """DRF's handler, plus the model layer's errors mapped to client errors (the transaction is rolled back).

    A service raises Django's ValidationError (the same one a form shows), so the API shows the same
    field messages; a constraint the database enforces last (IntegrityError) becomes 409 and a value the
    database cannot hold (DataError) 400 rather than a server error.
    """
    if isinstance(error, DjangoValidationError):
        detail = as_serializer_error(error)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        error = exceptions.ValidationError(detail)
    elif isinstance(error, IntegrityError):
        error = Conflict(_("与已有数据冲突（唯一性或取值约束）。"))
    elif isinstance(error, DataError | OverflowError):
        error = exceptions.ValidationError({"detail": [_("数值超出允许范围。")]})
    response = drf_exception_handler(error, context)
    if response is not None and isinstance(response.data, list):
        # a bare list of messages (e.g. from a filter backend) still answers with an object
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    return response
