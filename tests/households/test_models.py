"""Invariants of the 建档立卡 registry: households, members, incomes, measures, benefits, pairings, visits.

Each invariant is tested twice: model validation (full_clean) rejects the bad value on the right
field, and the database rejects it when it is written without validation.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection

from households.models import Benefit, Household, Measure, Member
from povertyboard.resident_ids import SEX_FEMALE, SEX_MALE, make_resident_id, mask_resident_id
from tests.factories import (
    assert_constraint_invalid,
    assert_db_rejects,
    assert_field_invalid,
    error_codes,
    make_benefit,
    make_cadre,
    make_helper_staff,
    make_household,
    make_household_year,
    make_measure,
    make_member,
    make_pairing,
    make_status_change,
    make_village,
    make_visit,
    validation_errors,
)

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1978, 8, 19)


# --- Household ---------------------------------------------------------------------------------


def test_household_number_unique_in_village():
    household = make_household(number="001")
    duplicate = make_household(household.village, number="001", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    make_household(make_village(), number="001")  # another village may use the same number


def test_db_rejects_duplicate_household_number_in_village():
    household = make_household(number="001")
    duplicate = make_household(household.village, number="001", save=False)
    assert_db_rejects(lambda: Household.objects.bulk_create([duplicate]),
                      "household_number_unique_in_village",
                      sqlite_unique="households_household.village_id, households_household.number")


def test_exited_household_needs_exit_year():
    bad = make_household(status=Household.Status.EXITED, exit_year=None, save=False)
    assert "exit_year" in validation_errors(bad)
    make_household(status=Household.Status.EXITED, exit_year=2016)


def test_db_rejects_exited_household_without_exit_year():
    bad = make_household(status=Household.Status.EXITED, exit_year=None, save=False)
    assert_db_rejects(bad, "household_exited_has_year")


def test_household_exit_not_before_identification():
    bad = make_household(identified_year=2015, exit_year=2014, status=Household.Status.EXITED, save=False)
    assert "exit_year" in validation_errors(bad)
    bad = make_household(identified_year=2015, exit_year=2014, status=Household.Status.EXITED, save=False)
    assert_db_rejects(bad, "household_exit_after_identified")


def test_household_plan_not_before_identification():
    bad = make_household(identified_year=2015, planned_exit_year=2014, save=False)
    assert "planned_exit_year" in validation_errors(bad)
    bad = make_household(identified_year=2015, planned_exit_year=2014, save=False)
    assert_db_rejects(bad, "household_plan_after_identified")


def test_household_group_within_village_groups():
    village = make_village(group_count=3)
    assert "group_no" in validation_errors(make_household(village, group_no=4, save=False))
    make_household(village, group_no=3)


def test_household_group_positive():
    assert_constraint_invalid(make_household(group_no=0, save=False), "household_group_positive")
    assert_db_rejects(make_household(group_no=0, save=False), "household_group_positive")


# --- HouseholdYear -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["income_per_capita", "assets_per_capita"])
def test_household_year_money_not_negative(field):
    assert_field_invalid(make_household_year(save=False, **{field: Decimal("-1")}), field)


@pytest.mark.parametrize("field", ["income_per_capita", "assets_per_capita"])
def test_db_rejects_negative_household_year_money(field):
    assert_db_rejects(make_household_year(save=False, **{field: Decimal("-1")}),
                      f"householdyear_{field}_non_negative")


def test_household_year_assets_may_be_unknown():
    make_household_year(assets_per_capita=None)


def test_household_year_once_per_year():
    year = make_household_year(year=2016)
    duplicate = make_household_year(year.household, year=2016, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "household_year_unique",
                      sqlite_unique="households_householdyear.household_id, households_householdyear.year")


# --- StatusChange ------------------------------------------------------------------------------


def test_status_change_changes_the_status():
    same = {"from_status": Household.Status.ASSISTED, "to_status": Household.Status.ASSISTED}
    assert_constraint_invalid(make_status_change(save=False, **same), "status_change_changes")
    assert_db_rejects(make_status_change(save=False, **same), "status_change_changes")
    make_status_change(from_status="", to_status=Household.Status.IDENTIFIED)


# --- Member ------------------------------------------------------------------------------------


def test_member_factory_makes_a_consistent_member():
    member = make_member(birth=BIRTH, sex=SEX_FEMALE)
    assert member.id_number[6:14] == "19780819"
    assert int(member.id_number[16]) % 2 == 0
    assert member.id_number[:6] == member.household.village.township.county.code
    assert mask_resident_id(member.id_number).count("*") == 8


def test_member_id_is_normalised_to_upper_case():
    household = make_household()
    # One sequence number in eleven gives check code X; search deterministically, not by luck.
    value = next(v for seq in range(2, 200, 2)
                 if (v := make_resident_id("632821", datetime.date(1980, 1, 1), seq, SEX_MALE)).endswith("X"))
    birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    member = make_member(household, birth=birth, sex=SEX_MALE, id_number=value.lower())
    member.refresh_from_db()
    assert member.id_number == value


@pytest.mark.parametrize("cut", [slice(0, 17), slice(0, 15)])
def test_member_id_of_wrong_length_is_rejected(cut):
    member = make_member(birth=BIRTH, save=False)
    member.id_number = member.id_number[cut]
    assert error_codes(member, "id_number")[:1] == ["format"]


def test_db_rejects_member_id_of_wrong_length():
    member = make_member(birth=BIRTH, sex=SEX_MALE, save=False)
    # The first 17 characters keep the birth date and the sex digit: only the length is wrong.
    member.id_number = member.id_number[:17]
    assert_db_rejects(member, "member_id_18_chars")


def test_member_id_with_wrong_checksum_is_rejected():
    member = make_member(birth=BIRTH, save=False)
    last = member.id_number[-1]
    member.id_number = member.id_number[:17] + ("0" if last != "0" else "1")
    assert "checksum" in error_codes(member, "id_number")


def test_member_sex_must_match_17th_digit():
    member = make_member(birth=BIRTH, sex=SEX_MALE, save=False)
    member.sex = SEX_FEMALE
    assert list(validation_errors(member)) == ["sex"]


@pytest.mark.parametrize(("sex", "wrong"), [(SEX_MALE, SEX_FEMALE), (SEX_FEMALE, SEX_MALE)])
def test_db_rejects_member_sex_not_matching_id(sex, wrong):
    member = make_member(birth=BIRTH, sex=sex, save=False)
    member.sex = wrong
    assert_db_rejects(member, "member_sex_matches_id")


def test_member_birth_date_must_match_id():
    member = make_member(birth=BIRTH, save=False)
    member.birth_date = BIRTH + datetime.timedelta(days=1)
    assert list(validation_errors(member)) == ["birth_date"]


@pytest.mark.parametrize("other", [
    datetime.date(1978, 8, 20), datetime.date(1978, 9, 19), datetime.date(1987, 8, 19),
])
def test_db_rejects_member_birth_date_not_matching_id(other):
    member = make_member(birth=BIRTH, save=False)
    member.birth_date = other
    assert_db_rejects(member, "member_birth_date_matches_id")


def test_db_accepts_a_consistent_member_written_directly():
    member = make_member(birth=datetime.date(2004, 12, 1), sex=SEX_FEMALE, save=False)
    Member.objects.bulk_create([member])
    assert Member.objects.get(id_number=member.id_number).birth_date == datetime.date(2004, 12, 1)


def test_member_id_is_unique():
    member = make_member(birth=BIRTH)
    duplicate = make_member(birth=BIRTH, id_number=member.id_number, save=False)
    assert error_codes(duplicate, "id_number") == ["unique"]


def test_db_rejects_duplicate_member_id():
    member = make_member(birth=BIRTH)
    duplicate = make_member(birth=BIRTH, id_number=member.id_number, save=False)
    assert_db_rejects(lambda: Member.objects.bulk_create([duplicate]), "households_member_id_number",
                      sqlite_unique="households_member.id_number")


def test_member_with_full_width_id_is_rejected_by_validation():
    member = make_member(birth=BIRTH, sex=SEX_MALE, save=False)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    member.id_number = member.id_number[:17].translate(full_width) + member.id_number[17]
    assert "id_number" in validation_errors(member)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL session setting")
def test_birth_date_constraint_does_not_depend_on_datestyle():
    member = make_member(birth=BIRTH, save=False)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'SQL, DMY'")
    Member.objects.bulk_create([member])  # raises IntegrityError while the bug is there


# --- Measure -----------------------------------------------------------------------------------


def test_measure_amount_not_negative():
    assert_field_invalid(make_measure(amount=Decimal("-1"), save=False), "amount")


def test_db_rejects_negative_measure_amount():
    assert_db_rejects(make_measure(amount=Decimal("-1"), save=False), "measure_amount_non_negative")


def test_implemented_measure_needs_implemented_date():
    bad = make_measure(status=Measure.Status.IMPLEMENTED, implemented_date=None, save=False)
    assert list(validation_errors(bad)) == ["implemented_date"]
    make_measure(status=Measure.Status.IMPLEMENTED, implemented_date=datetime.date(2016, 4, 1))


def test_db_rejects_implemented_measure_without_date():
    bad = make_measure(status=Measure.Status.IMPLEMENTED, implemented_date=None, save=False)
    assert_db_rejects(bad, "measure_implemented_has_date")


def test_measure_not_implemented_before_planned():
    bad = make_measure(status=Measure.Status.IMPLEMENTED, planned_date=datetime.date(2016, 3, 1),
                       implemented_date=datetime.date(2016, 2, 29), save=False)
    assert list(validation_errors(bad)) == ["implemented_date"]
    make_measure(status=Measure.Status.IMPLEMENTED, planned_date=datetime.date(2016, 3, 1),
                 implemented_date=datetime.date(2016, 3, 1))


def test_db_rejects_measure_implemented_before_planned():
    bad = make_measure(status=Measure.Status.IMPLEMENTED, planned_date=datetime.date(2016, 3, 1),
                       implemented_date=datetime.date(2016, 2, 29), save=False)
    assert_db_rejects(bad, "measure_implemented_after_planned")


def test_cancelled_measure_needs_reason():
    bad = make_measure(status=Measure.Status.CANCELLED, cancel_reason="", save=False)
    assert list(validation_errors(bad)) == ["cancel_reason"]
    make_measure(status=Measure.Status.CANCELLED, cancel_reason="户主已外出务工")


def test_db_rejects_cancelled_measure_without_reason():
    bad = make_measure(status=Measure.Status.CANCELLED, cancel_reason="", save=False)
    assert_db_rejects(bad, "measure_cancelled_has_reason")


def test_measure_household_must_be_in_the_village():
    bad = make_measure(village=make_village(), household=make_household(), save=False)
    assert list(validation_errors(bad)) == ["household"]


def test_village_wide_measure_has_no_household():
    village = make_village()
    assert make_measure(village).household is None


# --- Benefit -----------------------------------------------------------------------------------


def test_benefit_amount_not_negative():
    assert_field_invalid(make_benefit(amount=Decimal("-1"), save=False), "amount")
    assert_db_rejects(make_benefit(amount=Decimal("-1"), save=False), "benefit_amount_non_negative")


def test_benefit_expense_not_negative():
    bad = make_benefit(kind=Benefit.Kind.MEDICAL, amount=Decimal("0"), expense=Decimal("-1"), save=False)
    assert_field_invalid(bad, "expense")
    bad = make_benefit(kind=Benefit.Kind.MEDICAL, amount=Decimal("0"), expense=Decimal("-1"), save=False)
    assert_db_rejects(bad, "benefit_expense_non_negative")


def test_reimbursement_within_expense():
    bad = make_benefit(kind=Benefit.Kind.MEDICAL, amount=Decimal("2000.01"), expense=Decimal("2000"),
                       save=False)
    assert list(validation_errors(bad)) == ["amount"]
    make_benefit(kind=Benefit.Kind.MEDICAL, amount=Decimal("2000"), expense=Decimal("2000"))


def test_db_rejects_reimbursement_above_expense():
    bad = make_benefit(kind=Benefit.Kind.MEDICAL, amount=Decimal("2000.01"), expense=Decimal("2000"),
                       save=False)
    assert_db_rejects(bad, "benefit_reimbursed_within_expense")


def test_medical_benefit_needs_expense():
    bad = make_benefit(kind=Benefit.Kind.MEDICAL, expense=None, save=False)
    assert list(validation_errors(bad)) == ["expense"]
    assert_db_rejects(make_benefit(kind=Benefit.Kind.MEDICAL, expense=None, save=False),
                      "benefit_medical_has_expense")


def test_benefit_member_must_belong_to_the_household():
    bad = make_benefit(household=make_household(), member=make_member(), save=False)
    assert list(validation_errors(bad)) == ["member"]


# --- HelperStaff / Pairing ---------------------------------------------------------------------


def test_pairing_does_not_end_before_it_starts():
    bad = {"start_date": datetime.date(2016, 5, 1), "end_date": datetime.date(2016, 4, 30)}
    assert_constraint_invalid(make_pairing(save=False, **bad), "pairing_end_after_start")
    assert_db_rejects(make_pairing(save=False, **bad), "pairing_end_after_start")


def test_pairing_unique_per_household_helper_and_start():
    pairing = make_pairing()
    duplicate = make_pairing(pairing.household, pairing.helper, start_date=pairing.start_date, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "pairing_unique",
                      sqlite_unique="households_pairing.household_id, households_pairing.helper_id, "
                      "households_pairing.start_date")


# --- Visit -------------------------------------------------------------------------------------


def test_visit_needs_a_visitor():
    bad = make_visit(save=False)
    bad.cadre = None
    assert NON_FIELD_ERRORS in validation_errors(bad)
    bad = make_visit(save=False)
    bad.cadre = None
    assert_db_rejects(bad, "visit_has_visitor")


def test_visit_by_helper_or_cadre_is_valid():
    household = make_household()
    make_visit(household.village, household, helper=make_helper_staff())
    make_visit(household.village, cadre=make_cadre(household.village.township.county))


def test_visit_household_must_be_in_the_village():
    bad = make_visit(village=make_village(), household=make_household(), save=False)
    assert list(validation_errors(bad)) == ["household"]


# --- errors on the field itself ----------------------------------------------------------------


@pytest.mark.parametrize(("factory", "field"), [
    (make_measure, "amount"),
    (make_benefit, "amount"),
    (make_household_year, "income_per_capita"),
])
def test_negative_money_is_reported_on_its_field(factory, field):
    assert field in validation_errors(factory(save=False, **{field: Decimal("-1")}))
