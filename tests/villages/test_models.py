"""Invariants of areas, collective economy, projects, funds, gates and report figures.

Each invariant is tested twice: model validation (full_clean) rejects the bad value, and the database
rejects it when it is written without validation.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS

from tests.factories import (
    assert_constraint_invalid,
    assert_db_rejects,
    assert_field_invalid,
    build_all,
    error_codes,
    make_allocation,
    make_collective_economy,
    make_county,
    make_fund_source,
    make_gate_transition,
    make_household,
    make_project,
    make_report_figure,
    make_township,
    make_village,
    make_village_need,
    validation_errors,
)
from villages.models import County, FundAllocation, Gate, Project, ReportFigure, Village

pytestmark = pytest.mark.django_db

APPS = ("villages", "households", "cadres", "assessments")


# --- factories ---------------------------------------------------------------------------------


def test_build_all_creates_a_valid_saved_object_of_every_model():
    objects = build_all()
    expected = {model for label in APPS for model in apps.get_app_config(label).get_models()}
    assert set(objects) == expected
    for model, obj in objects.items():
        assert isinstance(obj, model)
        assert obj.pk is not None
        assert model.objects.filter(pk=obj.pk).exists()
        obj.full_clean()


def test_build_all_twice_does_not_collide():
    first, second = build_all(), build_all()
    assert all(first[m].pk != second[m].pk for m in first)


def test_factories_take_overrides():
    county = make_county(code="632821", name="乌兰县")
    village = make_village(make_township(county, name="希里沟镇"), name="演示一村", is_poor=False)
    assert village.county == county
    assert village.township.name == "希里沟镇"
    assert (village.name, village.is_poor) == ("演示一村", False)


# --- County ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["63282", "6328210", "63282A"])
def test_county_code_must_be_six_digits(code):
    assert "code" in validation_errors(make_county(code=code, save=False))


@pytest.mark.parametrize("code", ["63282", ""])
def test_db_rejects_county_code_of_wrong_length(code):
    assert_db_rejects(lambda: County.objects.create(code=code, name="x", prefecture="y"),
                      "county_code_six_digits")


@pytest.mark.parametrize("code", ["6328AB", "63282-", "6 2821"])
def test_db_rejects_county_code_with_non_digits(code):
    assert_db_rejects(lambda: County.objects.create(code=code, name="x", prefecture="y"),
                      "county_code_six_digits")


def test_county_code_is_unique():
    make_county(code="632801")
    assert error_codes(make_county(code="632801", save=False), "code") == ["unique"]
    assert_db_rejects(make_county(code="632801", save=False), "villages_county_code",
                      sqlite_unique="villages_county.code")


# --- Township / Village ------------------------------------------------------------------------


def test_township_name_unique_in_county():
    township = make_township(name="茶卡镇")
    duplicate = make_township(township.county, name="茶卡镇", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "township_unique_name",
                      sqlite_unique="villages_township.county_id, villages_township.name")
    make_township(make_county(), name="茶卡镇")  # the same name in another county is fine


def test_village_exit_year_only_for_poor_village():
    assert_constraint_invalid(make_village(is_poor=False, exit_year=2017, save=False),
                              "village_exit_only_if_poor")
    assert_db_rejects(make_village(is_poor=False, exit_year=2017, save=False), "village_exit_only_if_poor")
    make_village(is_poor=True, exit_year=2017)


def test_village_group_count_positive():
    assert_constraint_invalid(make_village(group_count=0, save=False), "village_group_count_positive")
    assert_db_rejects(make_village(group_count=0, save=False), "village_group_count_positive")


@pytest.mark.parametrize(("field", "value", "constraint"), [
    ("latitude", 90.5, "village_latitude_range"),
    ("latitude", -91, "village_latitude_range"),
    ("longitude", 180.5, "village_longitude_range"),
])
def test_village_coordinates_in_range(field, value, constraint):
    assert_constraint_invalid(make_village(save=False, **{field: value}), constraint)
    assert_db_rejects(make_village(save=False, **{field: value}), constraint)


def test_village_name_unique_in_township():
    village = make_village(name="演示村")
    duplicate = make_village(village.township, name="演示村", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "village_unique_name",
                      sqlite_unique="villages_village.township_id, villages_village.name")


def test_village_keeps_its_townships_county_when_moved():
    first, second = make_county(), make_county()
    village = make_village(make_township(first))
    village.township = make_township(second)
    village.save(update_fields=["township"])
    assert Village.objects.values_list("county_id", flat=True).get(pk=village.pk) == second.pk


def test_township_moved_to_another_county_takes_its_villages_along():
    first, second = make_county(), make_county()
    township = make_township(first)
    villages = [make_village(township), make_village(township)]
    other = make_village(make_township(first))
    township.county = second
    township.save()
    assert dict(Village.objects.values_list("pk", "county_id")) == {
        villages[0].pk: second.pk, villages[1].pk: second.pk, other.pk: first.pk}


# --- CollectiveEconomy -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["income", "accumulated_assets", "mutual_aid_fund"])
def test_economy_money_not_negative(field):
    assert_field_invalid(make_collective_economy(save=False, **{field: Decimal("-0.01")}), field)


@pytest.mark.parametrize("field", ["income", "accumulated_assets", "mutual_aid_fund"])
def test_db_rejects_negative_economy_money(field):
    assert_db_rejects(make_collective_economy(save=False, **{field: Decimal("-0.01")}),
                      f"economy_{field}_non_negative")


def test_economy_zero_income_is_valid():
    """A 空壳村 has no collective income: zero is a value, not an error."""
    zero = Decimal("0")
    make_collective_economy(income=zero, accumulated_assets=zero, mutual_aid_fund=zero)


def test_economy_mutual_aid_within_accumulated_assets():
    bad = make_collective_economy(accumulated_assets=Decimal("1000"), mutual_aid_fund=Decimal("1000.01"),
                                  save=False)
    assert_constraint_invalid(bad, "economy_mutual_aid_within_assets")
    make_collective_economy(accumulated_assets=Decimal("1000"), mutual_aid_fund=Decimal("1000"))


def test_db_rejects_mutual_aid_above_accumulated_assets():
    bad = make_collective_economy(accumulated_assets=Decimal("1000"), mutual_aid_fund=Decimal("1000.01"),
                                  save=False)
    assert_db_rejects(bad, "economy_mutual_aid_within_assets")


def test_economy_one_per_village_and_year():
    economy = make_collective_economy(year=2016)
    duplicate = make_collective_economy(economy.village, year=2016, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "economy_one_per_village_year",
                      sqlite_unique="villages_collectiveeconomy.village_id, villages_collectiveeconomy.year")


# --- VillageNeed / PolicyDocument --------------------------------------------------------------


def test_village_need_one_per_category():
    need = make_village_need()
    duplicate = make_village_need(need.village, category=need.category, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "need_one_per_category",
                      sqlite_unique="villages_villageneed.village_id, villages_villageneed.category")


# --- Project -----------------------------------------------------------------------------------


def test_project_budget_not_negative():
    assert_field_invalid(make_project(budget=Decimal("-1"), save=False), "budget")


def test_db_rejects_negative_project_budget():
    assert_db_rejects(make_project(budget=Decimal("-1"), save=False), "project_budget_non_negative")


def test_project_progress_at_most_100():
    assert_constraint_invalid(make_project(progress=101, save=False), "project_progress_max_100")
    assert_db_rejects(make_project(progress=101, save=False), "project_progress_max_100")


def test_completed_project_is_at_100_percent():
    bad = make_project(status=Project.Status.COMPLETED, progress=99, save=False)
    assert_constraint_invalid(bad, "project_completed_is_100")
    assert_db_rejects(make_project(status=Project.Status.COMPLETED, progress=99, save=False),
                      "project_completed_is_100")
    make_project(status=Project.Status.COMPLETED, progress=100)


def test_project_village_must_be_in_its_county():
    bad = make_project(county=make_county(), village=make_village(), save=False)
    assert "village" in validation_errors(bad)


def test_county_wide_project_has_no_village():
    assert make_project(county=make_county()).village is None


# --- FundSource --------------------------------------------------------------------------------


def test_fund_source_amount_not_negative():
    assert_field_invalid(make_fund_source(amount=Decimal("-100"), save=False), "amount")


def test_db_rejects_negative_fund_source_amount():
    assert_db_rejects(make_fund_source(amount=Decimal("-100"), save=False), "fundsource_amount_non_negative")


def test_fund_source_name_unique_per_county_and_year():
    source = make_fund_source(name="省州专项", year=2016)
    duplicate = make_fund_source(source.county, name="省州专项", year=2016, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "fundsource_unique_name",
                      sqlite_unique="villages_fundsource.county_id, villages_fundsource.year, "
                      "villages_fundsource.name")
    make_fund_source(source.county, name="省州专项", year=2017)


# --- FundAllocation ----------------------------------------------------------------------------


def test_allocation_amount_not_negative():
    assert_field_invalid(make_allocation(amount=Decimal("-0.01"), save=False), "amount")


def test_db_rejects_negative_allocation_amount():
    assert_db_rejects(make_allocation(amount=Decimal("-0.01"), save=False), "allocation_amount_non_negative")


@pytest.mark.parametrize("target", ["project", "village", "household"])
def test_allocation_to_any_one_target_is_valid(target):
    source = make_fund_source()
    township = make_township(source.county)
    objects = {
        "project": lambda: make_project(source.county),
        "village": lambda: make_village(township),
        "household": lambda: make_household(make_village(township)),
    }
    allocation = make_allocation(source, **{target: objects[target]()})
    assert allocation.target is not None


def _allocation_without_target():
    allocation = make_allocation(save=False)
    allocation.village = None
    return allocation


def _allocation_with_two_targets():
    allocation = make_allocation(save=False)
    allocation.project = make_project(village=allocation.village)
    return allocation


def test_allocation_needs_a_target():
    assert_constraint_invalid(_allocation_without_target(), "allocation_exactly_one_target")


def test_allocation_has_only_one_target():
    assert_constraint_invalid(_allocation_with_two_targets(), "allocation_exactly_one_target")


def test_db_rejects_allocation_without_target():
    allocation = _allocation_without_target()
    assert_db_rejects(lambda: FundAllocation.objects.bulk_create([allocation]),
                      "allocation_exactly_one_target")


def test_db_rejects_allocation_with_two_targets():
    allocation = _allocation_with_two_targets()
    assert_db_rejects(lambda: FundAllocation.objects.bulk_create([allocation]),
                      "allocation_exactly_one_target")


@pytest.mark.parametrize("gate", [0, 7])
def test_allocation_gate_is_one_of_six(gate):
    assert error_codes(make_allocation(gate=gate, save=False), "gate") == ["invalid_choice"]


@pytest.mark.parametrize("gate", [0, 7])
def test_db_rejects_allocation_gate_outside_1_to_6(gate):
    assert_db_rejects(make_allocation(gate=gate, save=False), "allocation_gate_range")


def test_allocation_is_disbursed_from_the_fifth_gate():
    assert not make_allocation(gate=Gate.APPROVAL).is_disbursed
    assert make_allocation(gate=Gate.DISBURSEMENT).is_disbursed
    assert make_allocation(gate=Gate.BENEFIT).is_disbursed


# --- GateTransition ----------------------------------------------------------------------------


@pytest.mark.parametrize("gate", [0, 7])
def test_transition_gate_is_one_of_six(gate):
    assert error_codes(make_gate_transition(gate=gate, save=False), "gate") == ["invalid_choice"]


@pytest.mark.parametrize("gate", [0, 7])
def test_db_rejects_transition_gate_outside_1_to_6(gate):
    assert_db_rejects(make_gate_transition(gate=gate, save=False), "transition_gate_range")


def test_transition_once_per_gate():
    transition = make_gate_transition(gate=Gate.SELECTION)
    duplicate = make_gate_transition(transition.allocation, gate=Gate.SELECTION, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "transition_once_per_gate",
                      sqlite_unique="villages_gatetransition.allocation_id, villages_gatetransition.gate")


# --- ReportFigure ------------------------------------------------------------------------------


def test_report_figure_needs_its_source_sentence():
    assert error_codes(make_report_figure(source_sentence="", save=False), "source_sentence") == ["blank"]
    assert_db_rejects(make_report_figure(source_sentence="", save=False), "figure_has_source")


def test_report_figure_comparison_is_exact_or_at_least():
    assert error_codes(make_report_figure(comparison="about", save=False), "comparison") == ["invalid_choice"]
    assert_db_rejects(make_report_figure(comparison="about", save=False), "figure_comparison_valid")
    make_report_figure(comparison=ReportFigure.Comparison.AT_LEAST)


def test_report_figure_key_unique_per_county():
    figure = make_report_figure(key="villages")
    duplicate = make_report_figure(figure.county, key="villages", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "figure_unique_key",
                      sqlite_unique="villages_reportfigure.county_id, villages_reportfigure.key")


# --- errors on the field itself ----------------------------------------------------------------


@pytest.mark.parametrize(("factory", "field"), [
    (make_collective_economy, "income"),
    (make_collective_economy, "accumulated_assets"),
    (make_collective_economy, "mutual_aid_fund"),
    (make_project, "budget"),
    (make_fund_source, "amount"),
    (make_allocation, "amount"),
])
def test_negative_money_is_reported_on_its_field(factory, field):
    assert field in validation_errors(factory(save=False, **{field: Decimal("-1")}))
