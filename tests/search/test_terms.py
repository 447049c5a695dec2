"""What the search takes a query for (search.terms), without the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from povertyboard.resident_ids import make_resident_id
from search.terms import MOBILE_PHONE, NAME, RESIDENT_ID, parse

WHOLE_ID = make_resident_id("632801", datetime.date(1980, 5, 17), 123, "M")


@pytest.mark.parametrize(("raw", "code"), [
    ("", "too_short"), ("  ", "too_short"), ("张", "too_short"), (None, "too_short"),
    ("张" * 101, "too_long"), ("张\x07三", "control"), ("张\u0085三", "control"), ("张\t三", "control"),
])
def test_a_refused_query_says_why(raw, code):
    with pytest.raises(ValidationError) as refused:
        parse(raw)
    assert refused.value.code == code


def test_the_limit_is_named():
    with pytest.raises(ValidationError) as refused:
        parse("张" * 101)
    assert "100" in refused.value.messages[0]


def test_a_hundred_characters_and_two_are_taken():
    assert parse("张" * 100).kind == NAME
    assert parse(" 张三 ").text == "张三"


def test_a_whole_valid_id_is_an_exact_lookup_and_anything_less_is_a_name():
    assert parse(WHOLE_ID) == parse(WHOLE_ID.lower()) and parse(WHOLE_ID).kind == RESIDENT_ID
    for partial in (WHOLE_ID[:17], WHOLE_ID[:6], WHOLE_ID[-6:], WHOLE_ID[6:14]):
        assert parse(partial).kind == NAME
    wrong_check = WHOLE_ID[:17] + ("0" if WHOLE_ID[17] != "0" else "1")
    assert parse(wrong_check).kind == NAME  # an invalid ID is no exact lookup either


def test_a_whole_mobile_number_is_an_exact_lookup():
    assert parse("13812345678").kind == MOBILE_PHONE
    assert parse("1381234567").kind == NAME and parse("23812345678").kind == NAME
