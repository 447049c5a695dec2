"""What a search query is: refused, a whole resident ID, a whole mobile number, or text to match names and codes.

A whole ID or mobile number is looked up by equality on its indexed column only; no other query is ever compared
with an ID or phone column, so digits short of a whole number find no person (the search is no oracle for them).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from povertyboard.resident_ids import ID_PATTERN, parse_resident_id

MIN_LENGTH = 2
MAX_LENGTH = 100
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # a mainland mobile number, as povertyboard/logging.py masks it

NAME, RESIDENT_ID, MOBILE_PHONE = "name", "resident_id", "mobile"


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # NAME, RESIDENT_ID or MOBILE_PHONE


def parse(raw: str | None) -> Term:
    """The query as a Term; ValidationError (code too_short, too_long or control) for one the search refuses."""
    text = (raw or "").strip()
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise ValidationError(_("搜索词不能含有控制字符。"), code="control")
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("搜索词不能超过 %(max)s 个字符。"), code="too_long", params={"max": MAX_LENGTH})
    if len(text) < MIN_LENGTH:
        raise ValidationError(_("请至少输入两个字。"), code="too_short")
    if ID_PATTERN.match(text.upper()) and _valid_resident_id(text.upper()):
        return Term(text.upper(), RESIDENT_ID)
    if MOBILE.match(text):
        return Term(text, MOBILE_PHONE)
    return Term(text, NAME)


def _valid_resident_id(text: str) -> bool:
    try:
        parse_resident_id(text)
    except ValidationError:
        return False
    return True
