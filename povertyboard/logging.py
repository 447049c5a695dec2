"""Logs without personal data: resident ID numbers and mobile numbers are masked in every log record.

`MaskPersonalData` rewrites a record's message (with its arguments merged in) and its traceback text, so
that no handler — console, file, the test suite's capture — ever sees a whole 18-digit resident ID
(632821********1234, as on the pages) or an 11-digit mobile number (138****5678). settings.LOGGING puts it
on the handlers (every logger's records) and on the loggers whose records carry request URLs (django.request,
django.server), where it runs before any handler, including ones added later.
"""

import logging
import re

from povertyboard.privacy import mask_phone
from povertyboard.resident_ids import mask_resident_id

# Not part of a longer run of digits: an 18-character resident ID (last character may be X) ...
RESIDENT_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")
# ... and a mainland mobile number, 1[3-9] and 9 more digits.
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_personal_data(text: str) -> str:
    text = RESIDENT_ID.sub(lambda m: mask_resident_id(m.group()), text)
    return MOBILE.sub(lambda m: mask_phone(m.group()), text)


class MaskPersonalData(logging.Filter):
    """Masks resident IDs and mobile numbers in the message, its arguments and the exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still gets logged (and masked) as it stands
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
