"""Invariants of the 331 assessment: period rules, duty ratings, surveys, bonus items, vetoes, scorecards.

Each invariant is tested twice: model validation (full_clean) rejects the bad value on the right
field, and the database rejects it when it is written without validation.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from assessments.models import AssessmentPeriod, DutyRating, Veto
from tests.factories import (
    assert_constraint_invalid,
    assert_db_rejects,
    assert_field_invalid,
    error_codes,
    make_bonus_item,
    make_duty_rating,
    make_period,
    make_scorecard,
    make_survey,
    make_veto,
    validation_errors,
)

pytestmark = pytest.mark.django_db


# --- AssessmentPeriod --------------------------------------------------------------------------


def test_period_defaults_are_the_331_rules():
    period = make_period()
    assert (period.weight_attendance, period.weight_duty, period.weight_satisfaction) == (3, 3, 4)
    assert period.threshold_basic < period.threshold_competent < period.threshold_excellent


@pytest.mark.parametrize("weights", [(3, 3, 3), (4, 3, 4), (0, 0, 0), (10, 0, 1)])
def test_period_weights_must_sum_to_10(weights):
    bad = make_period(weight_attendance=weights[0], weight_duty=weights[1], weight_satisfaction=weights[2],
                      save=False)
    assert list(validation_errors(bad)) == ["weight_satisfaction"]


@pytest.mark.parametrize("weights", [(3, 3, 3), (4, 3, 4), (0, 0, 0)])
def test_db_rejects_period_weights_not_summing_to_10(weights):
    bad = make_period(weight_attendance=weights[0], weight_duty=weights[1], weight_satisfaction=weights[2],
                      save=False)
    assert_db_rejects(bad, "period_weights_sum_10")


def test_other_weights_summing_to_10_are_valid():
    make_period(weight_attendance=2, weight_duty=3, weight_satisfaction=5)


@pytest.mark.parametrize(("excellent", "competent", "basic"), [
    ("75", "90", "60"),  # excellent below competent
    ("90", "60", "75"),  # competent below basic
    ("90", "90", "60"),  # equal thresholds
])
def test_period_thresholds_must_be_ordered(excellent, competent, basic):
    bad = make_period(threshold_excellent=Decimal(excellent), threshold_competent=Decimal(competent),
                      threshold_basic=Decimal(basic), save=False)
    assert list(validation_errors(bad)) == ["threshold_excellent"]


@pytest.mark.parametrize(("excellent", "competent", "basic"), [
    ("75", "90", "60"),
    ("90", "60", "75"),
    ("90", "90", "60"),
    ("101", "90", "60"),  # above 100
    ("90", "75", "-1"),  # below 0
])
def test_db_rejects_unordered_or_out_of_range_thresholds(excellent, competent, basic):
    bad = make_period(threshold_excellent=Decimal(excellent), threshold_competent=Decimal(competent),
                      threshold_basic=Decimal(basic), save=False)
    assert_db_rejects(bad, "period_thresholds_ordered")


@pytest.mark.parametrize(("excellent", "basic"), [("101", "60"), ("90", "-1")])
def test_thresholds_within_0_and_100(excellent, basic):
    bad = make_period(threshold_excellent=Decimal(excellent), threshold_basic=Decimal(basic), save=False)
    assert_constraint_invalid(bad, "period_thresholds_ordered")


def test_period_with_missing_threshold_is_a_validation_error():
    bad = make_period(threshold_competent=None, save=False)
    assert "threshold_competent" in validation_errors(bad)


def test_period_does_not_end_before_it_starts():
    bad = make_period(start_date=datetime.date(2016, 7, 1), end_date=datetime.date(2016, 6, 30), save=False)
    assert list(validation_errors(bad)) == ["end_date"]
    bad = make_period(start_date=datetime.date(2016, 7, 1), end_date=datetime.date(2016, 6, 30), save=False)
    assert_db_rejects(bad, "period_end_after_start")


@pytest.mark.parametrize(("field", "value", "constraint"), [
    ("bonus_cap", Decimal("-1"), "period_rules_non_negative"),
    ("absence_deduction", Decimal("-0.5"), "period_rules_non_negative"),
    ("basic_satisfied_factor", Decimal("1.2"), "period_basic_factor_0_1"),
    ("basic_satisfied_factor", Decimal("-0.1"), "period_basic_factor_0_1"),
    ("required_days_per_month", 0, "period_required_days_1_31"),
    ("required_days_per_month", 32, "period_required_days_1_31"),
])
def test_period_rules_in_range(field, value, constraint):
    assert_constraint_invalid(make_period(save=False, **{field: value}), constraint)
    assert_db_rejects(make_period(save=False, **{field: value}), constraint)


def test_period_name_unique_in_county():
    period = make_period(name="2016年度")
    duplicate = make_period(period.county, name="2016年度", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "period_unique_name",
                      sqlite_unique="assessments_assessmentperiod.county_id, "
                      "assessments_assessmentperiod.name")


def test_db_accepts_default_period_written_directly():
    period = make_period(save=False)
    AssessmentPeriod.objects.bulk_create([period])


# --- DutyRating --------------------------------------------------------------------------------


@pytest.mark.parametrize("score", ["0", "100"])
def test_duty_rating_bounds_are_valid(score):
    make_duty_rating(score=Decimal(score))


@pytest.mark.parametrize("score", ["100.01", "-0.01", "150"])
def test_duty_rating_between_0_and_100(score):
    assert_field_invalid(make_duty_rating(score=Decimal(score), save=False), "score")


@pytest.mark.parametrize("score", ["100.01", "-0.01", "150"])
def test_db_rejects_duty_rating_outside_0_100(score):
    rating = make_duty_rating(score=Decimal(score), save=False)
    assert_db_rejects(lambda: DutyRating.objects.bulk_create([rating]), "duty_rating_0_100")


def test_duty_rating_once_per_period_and_cadre():
    rating = make_duty_rating()
    duplicate = make_duty_rating(rating.period, rating.cadre, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "duty_rating_once",
                      sqlite_unique="assessments_dutyrating.period_id, assessments_dutyrating.cadre_id")


def test_duty_rating_out_of_range_is_reported_on_score():
    assert "score" in validation_errors(make_duty_rating(score=Decimal("150"), save=False))


# --- SatisfactionSurvey ------------------------------------------------------------------------


def test_survey_counts_not_negative():
    assert error_codes(make_survey(satisfied=-1, save=False), "satisfied") == ["min_value"]
    assert_db_rejects(make_survey(satisfied=-1, save=False), "satisfied")


def test_survey_once_per_group():
    survey = make_survey()
    duplicate = make_survey(survey.period, survey.cadre, group=survey.group, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "survey_once_per_group",
                      sqlite_unique="assessments_satisfactionsurvey.period_id, "
                      "assessments_satisfactionsurvey.cadre_id, assessments_satisfactionsurvey.group")


# --- BonusItem ---------------------------------------------------------------------------------


@pytest.mark.parametrize("points", ["0", "-1", "100.01"])
def test_bonus_points_positive_and_at_most_100(points):
    assert_field_invalid(make_bonus_item(points=Decimal(points), save=False), "points")
    assert_db_rejects(make_bonus_item(points=Decimal(points), save=False), "bonus_points_positive")


# --- Veto --------------------------------------------------------------------------------------


def test_veto_once_per_period_and_cadre():
    veto = make_veto()
    duplicate = make_veto(veto.period, veto.cadre, reason="另一原因", save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]


def test_db_rejects_duplicate_veto():
    veto = make_veto()
    assert_db_rejects(lambda: Veto.objects.create(period=veto.period, cadre=veto.cadre, reason="另一原因"),
                      "veto_once", sqlite_unique="assessments_veto.period_id, assessments_veto.cadre_id")


def test_veto_needs_a_reason():
    assert error_codes(make_veto(reason="", save=False), "reason") == ["blank"]
    assert_db_rejects(make_veto(reason="", save=False), "veto_has_reason")


# --- Scorecard ---------------------------------------------------------------------------------


def test_incomplete_scorecard_has_no_total():
    bad = make_scorecard(incomplete=True, missing="满意度测评", save=False)
    assert_constraint_invalid(bad, "scorecard_incomplete_no_total")
    bad = make_scorecard(incomplete=True, missing="满意度测评", save=False)
    assert_db_rejects(bad, "scorecard_incomplete_no_total")
    make_scorecard(incomplete=True, missing="满意度测评", satisfaction=None, total=None, grade="")


def test_scorecard_once_per_period_and_cadre():
    scorecard = make_scorecard()
    duplicate = make_scorecard(scorecard.period, scorecard.cadre, save=False)
    assert error_codes(duplicate, NON_FIELD_ERRORS) == ["unique_together"]
    assert_db_rejects(duplicate, "scorecard_once",
                      sqlite_unique="assessments_scorecard.period_id, assessments_scorecard.cadre_id")


@pytest.mark.parametrize("factory", ["make_duty_rating", "make_survey", "make_bonus_item", "make_veto"])
def test_inputs_of_a_closed_period_are_refused(factory):
    import tests.factories as f

    period = f.make_period()
    AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)
    period.refresh_from_db()
    obj = getattr(f, factory)(period, save=False)
    assert "已结束" in str(f.validation_errors(obj))


def test_closed_period_rules_are_frozen():
    from tests.factories import make_period, validation_errors

    period = make_period()
    AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)
    period.refresh_from_db()
    period.bonus_cap = 20
    assert "冻结" in str(validation_errors(period))
