"""Resident identity numbers (公民身份号码), GB 11643-1999."""

import datetime
import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
ID_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: full-width digits are refused

SEX_MALE = "M"
SEX_FEMALE = "F"


def check_code(first17: str) -> str:
    return CHECK_CODES[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]  # first17: 17 digits


def parse_resident_id(value: str) -> tuple[datetime.date, str]:
    """Return (birth date, sex) encoded in a valid ID; raise ValidationError otherwise."""
    value = (value or "").strip().upper()
    if not ID_PATTERN.match(value):
        raise ValidationError(
            _("身份证号码 %(value)s 应为18位：17位数字加1位数字或X。"), code="format", params={"value": value}
        )
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码 %(value)s 中的出生日期 %(date)s 不存在。"),
            code="birth_date",
            params={"value": value, "date": value[6:14]},
        ) from None
    if check_code(value[:17]) != value[17]:
        raise ValidationError(
            _("身份证号码 %(value)s 校验码错误（GB 11643），应为 %(expected)s。"),
            code="checksum",
            params={"value": value, "expected": check_code(value[:17])},
        )
    sex = SEX_MALE if int(value[16]) % 2 else SEX_FEMALE
    return birth, sex


def validate_resident_id(value: str) -> None:
    parse_resident_id(value)


def mask_resident_id(value: str) -> str:
    """632821********1234: area code and last four only."""
    if not value or len(value) != 18:
        return value
    return f"{value[:6]}{'*' * 8}{value[14:]}"


def make_resident_id(area_code: str, birth: datetime.date, sequence: int, sex: str) -> str:
    """Build a checksum-valid ID; the sequence's last digit is forced to the sex's parity."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == SEX_MALE):
        seq = (seq + 1) % 1000
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_code(first17)
