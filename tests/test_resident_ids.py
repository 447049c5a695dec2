"""The GB 11643-1999 resident ID number: format, birth date, checksum, sex, masking."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from povertyboard.resident_ids import (
    SEX_FEMALE,
    SEX_MALE,
    check_code,
    make_resident_id,
    mask_resident_id,
    parse_resident_id,
    validate_resident_id,
)

# The worked examples of GB 11643-1999 itself.
STANDARD_X = "11010519491231002X"  # woman born 1949-12-31, check code X
STANDARD_DIGIT = "440524188001010014"  # man born 1880-01-01


def error_code(value):
    with pytest.raises(ValidationError) as exc:
        parse_resident_id(value)
    return exc.value.code


def test_check_code_of_standard_examples():
    assert check_code(STANDARD_X[:17]) == "X"
    assert check_code(STANDARD_DIGIT[:17]) == "4"


def test_valid_id_with_x_check_code():
    assert parse_resident_id(STANDARD_X) == (datetime.date(1949, 12, 31), SEX_FEMALE)
    assert validate_resident_id(STANDARD_X) is None


def test_valid_id_with_digit_check_code():
    assert parse_resident_id(STANDARD_DIGIT) == (datetime.date(1880, 1, 1), SEX_MALE)


def test_lower_case_x_and_surrounding_spaces_are_accepted():
    assert parse_resident_id(" 11010519491231002x ") == (datetime.date(1949, 12, 31), SEX_FEMALE)


@pytest.mark.parametrize("last", [c for c in "0123456789X" if c != "X"])
def test_wrong_check_code_is_rejected(last):
    assert error_code(STANDARD_X[:17] + last) == "checksum"


def test_checksum_error_names_the_expected_code():
    with pytest.raises(ValidationError) as exc:
        parse_resident_id("110105194912310021")
    assert exc.value.params["expected"] == "X"


def test_single_digit_typo_breaks_the_checksum():
    typo = "440524188001010114"  # 15th digit changed, check code kept
    assert error_code(typo) == "checksum"


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "44052418800101001",  # 17 characters
        "4405241880010100144",  # 19 characters
        "44052418800101001A",  # check code neither digit nor X
        "4405241880010X0014",  # X in the middle
        "44052418800101 014",
    ],
)
def test_bad_format_is_rejected(value):
    assert error_code(value) == "format"


# Full-width digits (typed with a Chinese input method) with an ASCII check code.
FULL_WIDTH_BODY = "４４０５２４１８８００１０１００１" + "4"


@pytest.mark.parametrize("value", [
    FULL_WIDTH_BODY,
    "４４０５２４１８８００１０１００１４",  # full-width throughout
    "٤٤٠٥٢٤١٨٨٠٠١٠١٠٠١" + "4",  # Arabic-Indic digits
])
def test_non_ascii_digits_are_rejected(value):
    assert error_code(value) == "format"


@pytest.mark.parametrize("date", ["19990230", "20010229", "19991301", "19990100", "19990431"])
def test_impossible_birth_date_is_rejected_even_with_a_correct_checksum(date):
    first17 = f"632821{date}123"
    value = first17 + check_code(first17)
    with pytest.raises(ValidationError) as exc:
        parse_resident_id(value)
    assert exc.value.code == "birth_date"
    assert exc.value.params["date"] == date


def test_leap_day_is_a_real_date():
    first17 = "63282120000229123"
    assert parse_resident_id(first17 + check_code(first17))[0] == datetime.date(2000, 2, 29)


@pytest.mark.parametrize(("digit17", "sex"), [
    ("1", SEX_MALE), ("3", SEX_MALE), ("0", SEX_FEMALE), ("8", SEX_FEMALE),
])
def test_sex_is_the_parity_of_the_17th_digit(digit17, sex):
    first17 = f"6328211990010112{digit17}"
    assert parse_resident_id(first17 + check_code(first17))[1] == sex


def test_mask_keeps_area_code_and_last_four():
    assert mask_resident_id("632821199001011234") == "632821********1234"
    assert mask_resident_id(STANDARD_X) == "110105********002X"


@pytest.mark.parametrize("value", ["", None, "12345", "6328211990010112345"])
def test_mask_leaves_values_that_are_not_ids_alone(value):
    assert mask_resident_id(value) == value


@pytest.mark.parametrize("sex", [SEX_MALE, SEX_FEMALE])
@pytest.mark.parametrize("sequence", [0, 1, 2, 123, 998, 999, 1001, 54321])
@pytest.mark.parametrize("birth", [
    datetime.date(1949, 12, 31), datetime.date(2000, 2, 29), datetime.date(2016, 11, 3),
])
def test_make_resident_id_round_trip(sex, sequence, birth):
    value = make_resident_id("632801", birth, sequence, sex)
    assert len(value) == 18
    assert value.startswith("632801")
    assert parse_resident_id(value) == (birth, sex)


def test_make_resident_id_keeps_a_sequence_of_the_right_parity():
    birth = datetime.date(1980, 6, 1)
    assert make_resident_id("632821", birth, 123, SEX_MALE)[14:17] == "123"
    assert make_resident_id("632821", birth, 124, SEX_FEMALE)[14:17] == "124"
    assert make_resident_id("632821", birth, 123, SEX_FEMALE)[14:17] == "124"
    assert make_resident_id("632821", birth, 999, SEX_FEMALE)[14:17] == "000"


def test_make_resident_id_reproduces_the_standard_example():
    assert make_resident_id("110105", datetime.date(1949, 12, 31), 2, SEX_FEMALE) == STANDARD_X
