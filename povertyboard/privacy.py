"""What a non-administrator may see of a person: the one place resident IDs, birth dates and phones are reduced.

The rule: no combination of what a non-administrator sees — page, API answer, export, history entry, log line —
determines a whole resident ID or a whole phone number. A masked ID keeps the area code (digits 1-6) and the last
four (sequence, sex digit, check digit); the hidden digits 7-14 are the birth date, so a birth date is shown as
its year only (with the check digit some thirty dates of that year still fit). A phone keeps its first three and
last four digits. The history stores these fields reduced for everyone (AUDITLOG_INCLUDE_TRACKING_MODELS), so a
log entry can be shown as it is.
"""

import datetime
import re

from povertyboard.resident_ids import mask_resident_id

DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}$")


def mask_phone(value: str) -> str:
    """13912345678 → 139****5678; a short number is masked whole."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def birth_year(value: datetime.date | str | None) -> str:
    """A birth date reduced to its year ("1980"); anything else as it is."""
    if isinstance(value, datetime.date):
        return str(value.year)
    found = DATE.match(value or "")
    return found.group(1) if found else (value or "")


# Field name → how a non-administrator sees its value, wherever a row is shown field by field.
REDUCED = {"id_number": mask_resident_id, "phone": mask_phone, "birth_date": birth_year}


def shown(field_name: str, value, whole: bool):
    """The value of a field as the reader may see it: whole for administrators (`whole`), else reduced."""
    if whole or value in (None, "") or field_name not in REDUCED:
        return value
    return REDUCED[field_name](value)


def reduce_logged(value: str) -> str:
    """A personal value as the history stores it (auditlog's mask_callable): an ID masked, a date to its year,
    a phone masked."""
    text = str(value or "")
    if text in ("", "None") or "*" in text or re.fullmatch(r"\d{4}", text):
        return text  # no value (auditlog writes a missing one as "None"), or reduced already
    if DATE.match(text):
        return birth_year(text)
    if len(text) == 18 and text[:17].isdigit():
        return mask_resident_id(text)
    return mask_phone(text)
