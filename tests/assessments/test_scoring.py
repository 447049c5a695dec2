"""The 331 scoring service: the formula, missing inputs, vetoes, ranking, re-runs, history, query budget."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from assessments.models import AssessmentPeriod, Grade, Scorecard
from assessments.services import period_months, score_period
from cadres.models import AttendanceReport
from tests.factories import (
    make_assignment,
    make_bonus_item,
    make_cadre,
    make_county,
    make_duty_rating,
    make_period,
    make_survey,
    make_township,
    make_unit,
    make_veto,
    make_village,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2015, 10, 1)


@pytest.fixture
def county():
    return make_county()


@pytest.fixture
def village(county):
    return make_village(make_township(county))


@pytest.fixture
def period(county):
    return make_period(county, name="2016年第三季度", kind=AssessmentPeriod.Kind.QUARTER,
                       start_date=datetime.date(2016, 7, 1), end_date=datetime.date(2016, 9, 30))


def resident(county, village, unit=None, **kw):
    cadre = make_cadre(county, unit or make_unit(county))
    make_assignment(cadre, village, start_date=kw.pop("start_date", START), **kw)
    return cadre


def file_months(cadre, months, present=20, absences=0):
    AttendanceReport.objects.bulk_create([
        AttendanceReport(cadre=cadre, month=m, required_days=20, days_present=present,
                         unreported_absences=absences)
        for m in months
    ])


def complete_inputs(period, cadre, present=20, duty="80", satisfied=30, basic=10, unsatisfied=10, absences=0):
    file_months(cadre, period_months(period), present, absences)
    make_duty_rating(period, cadre, score=Decimal(duty))
    make_survey(period, cadre, satisfied=satisfied, basically_satisfied=basic, unsatisfied=unsatisfied)


def card_of(cards, cadre) -> Scorecard:
    return next(c for c in cards if c.cadre_id == cadre.pk)


def test_formula_of_design(period, county, village):
    cadre = resident(county, village)
    # July 20/20, August 15/20, September 25/20 (capped at 1): mean (1 + 0.75 + 1) / 3 = 91.67, minus 2 × 1 day
    file_months(cadre, [datetime.date(2016, 7, 1)], present=20)
    file_months(cadre, [datetime.date(2016, 8, 1)], present=15, absences=1)
    file_months(cadre, [datetime.date(2016, 9, 1)], present=25)
    make_duty_rating(period, cadre, score=Decimal("80"))
    # party members 10/5/5 and villagers 30/10/0: (40 + 0.6 × 15) / 60 = 81.67
    make_survey(period, cadre, group="party_members", satisfied=10, basically_satisfied=5, unsatisfied=5)
    make_survey(period, cadre, group="villagers", satisfied=30, basically_satisfied=10, unsatisfied=0)
    make_bonus_item(period, cadre, points=Decimal("3"))
    card = card_of(score_period(period), cadre)
    assert card.attendance == Decimal("89.67")
    assert card.duty == Decimal("80.00")
    assert card.satisfaction == Decimal("81.67")
    assert card.bonus == Decimal("3.00")
    # 0.3 × 89.67 + 0.3 × 80 + 0.4 × 81.67 + 3 = 26.901 + 24 + 32.668 + 3 = 86.569
    assert card.total == Decimal("86.57")
    assert card.grade == Grade.COMPETENT
    assert not card.incomplete and card.missing == ""


def test_rules_are_read_from_the_period(period, county, village):
    cadre = resident(county, village)
    complete_inputs(period, cadre, present=15, duty="90", satisfied=10, basic=0, unsatisfied=0)
    AssessmentPeriod.objects.filter(pk=period.pk).update(
        weight_attendance=2, weight_duty=4, weight_satisfaction=4, required_days_per_month=15,
        threshold_excellent=Decimal("95"))
    card = card_of(score_period(period), cadre)
    assert card.attendance == Decimal("100.00")  # 15 of 15 required days
    assert card.total == Decimal("96.00")  # (2 × 100 + 4 × 90 + 4 × 100) / 10
    assert card.grade == Grade.EXCELLENT


def test_bonus_is_capped(period, county, village):
    cadre = resident(county, village)
    complete_inputs(period, cadre)
    for _ in range(3):
        make_bonus_item(period, cadre, points=Decimal("6"))
    assert card_of(score_period(period), cadre).bonus == Decimal("10.00")


def test_missing_inputs_are_missing_not_zero(period, county, village):
    cadre = resident(county, village)
    file_months(cadre, [datetime.date(2016, 7, 1), datetime.date(2016, 9, 1)])
    card = card_of(score_period(period), cadre)
    assert card.incomplete
    assert card.attendance is None and card.duty is None and card.satisfaction is None
    assert card.total is None and card.grade == "" and card.rank is None
    assert "2016-08" in card.missing and "履职评分" in card.missing and "满意度测评" in card.missing


def test_zero_survey_responses_are_missing(period, county, village):
    cadre = resident(county, village)
    complete_inputs(period, cadre, satisfied=0, basic=0, unsatisfied=0)
    card = card_of(score_period(period), cadre)
    assert card.satisfaction is None and card.incomplete and "满意度测评" in card.missing


def test_rules_of_one_period_do_not_touch_another(county, village):
    first = make_period(county, name="甲")
    second = make_period(county, name="乙", weight_attendance=1, weight_duty=1, weight_satisfaction=8)
    cadre = resident(county, village)
    complete_inputs(first, cadre, duty="50", satisfied=10, basic=0, unsatisfied=0)
    make_duty_rating(second, cadre, score=Decimal("50"))
    make_survey(second, cadre, satisfied=10, basically_satisfied=0, unsatisfied=0)
    assert card_of(score_period(first), cadre).total == Decimal("85.00")  # (3×100 + 3×50 + 4×100) / 10
    assert card_of(score_period(second), cadre).total == Decimal("95.00")  # (1×100 + 1×50 + 8×100) / 10


def test_months_before_the_assignment_are_not_due(period, county, village):
    cadre = resident(county, village, start_date=datetime.date(2016, 8, 15))
    file_months(cadre, [datetime.date(2016, 8, 1), datetime.date(2016, 9, 1)])
    make_duty_rating(period, cadre)
    make_survey(period, cadre)
    card = card_of(score_period(period), cadre)
    assert not card.incomplete
    assert card.attendance == Decimal("100.00")


def test_veto_grades_incompetent_and_ranks_last(period, county, village):
    best, other = resident(county, village), resident(county, village)
    complete_inputs(period, best, duty="99")
    complete_inputs(period, other, duty="60")
    make_veto(period, best, reason="未报备擅自离岗")
    cards = score_period(period)
    assert card_of(cards, best).grade == Grade.INCOMPETENT
    assert card_of(cards, best).total > card_of(cards, other).total
    assert (card_of(cards, other).rank, card_of(cards, best).rank) == (1, 2)


def test_ranking_in_county_and_unit_with_ties(period, county, village):
    unit_a, unit_b = make_unit(county), make_unit(county)
    a1, a2, b1, b2 = (resident(county, village, unit) for unit in (unit_a, unit_a, unit_b, unit_b))
    for cadre, duty in ((a1, "90"), (a2, "70"), (b1, "90"), (b2, "80")):
        complete_inputs(period, cadre, duty=duty)
    cards = score_period(period)
    assert [card_of(cards, c).rank for c in (a1, b1, b2, a2)] == [1, 1, 3, 4]
    assert [card_of(cards, c).unit_rank for c in (a1, a2, b1, b2)] == [1, 2, 1, 2]


def test_rerun_updates_and_never_duplicates(period, county, village):
    cadre = resident(county, village)
    complete_inputs(period, cadre, duty="70")
    first = card_of(score_period(period), cadre)
    period.duty_ratings.update(score=Decimal("90"))
    second = card_of(score_period(period), cadre)
    assert Scorecard.objects.filter(period=period).count() == 1
    assert second.pk == first.pk and second.total > first.total


def test_rerun_rewrites_the_changed_cards_and_stamps_every_card(period, county, village):
    top, changed, behind = (resident(county, village) for _ in range(3))
    for cadre, duty in ((top, "90"), (changed, "70"), (behind, "60")):
        complete_inputs(period, cadre, duty=duty)
    score_period(period)
    stored = {c.cadre_id: c for c in Scorecard.objects.filter(period=period)}
    period.duty_ratings.filter(cadre=changed).update(score=Decimal("50"))  # falls behind `behind`
    cards = {c.cadre_id: c for c in score_period(period)}
    after = {c.cadre_id: c for c in Scorecard.objects.filter(period=period)}
    assert [after[c.pk].rank for c in (top, behind, changed)] == [1, 2, 3]
    assert after[changed.pk].duty == Decimal("50") and after[top.pk].total == stored[top.pk].total
    assert {c: row.pk for c, row in after.items()} == {c: row.pk for c, row in stored.items()} \
        == {c: card.pk for c, card in cards.items()}
    assert all(row.computed_at > stored[c].computed_at for c, row in after.items())
    assert {row.computed_at for row in after.values()} == {card.computed_at for card in cards.values()}
    updated = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).values_list("object_id", flat=True)
    assert sorted(updated) == sorted([after[changed.pk].pk, after[behind.pk].pk])  # not `top`: nothing changed


def test_cadres_outside_the_period_or_county_are_not_scored(period, county, village):
    inside = resident(county, village)
    resident(county, village, start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2016, 6, 30))
    other_county = make_county()
    resident(other_county, make_village(make_township(other_county)))
    cards = score_period(period)
    assert [c.cadre_id for c in cards] == [inside.pk]


def test_closed_period_is_frozen(period, county, village):
    resident(county, village)
    AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)
    with pytest.raises(ValidationError):
        score_period(period)
    assert not Scorecard.objects.exists()


def test_history_records_who_and_old_to_new(period, county, village, django_user_model):
    supervisor = django_user_model.objects.create_user("督查员")
    cadre = resident(county, village)
    complete_inputs(period, cadre, duty="70")
    card = score_period(period, actor=supervisor)[0]
    period.duty_ratings.update(score=Decimal("90"))
    score_period(period, actor=supervisor)
    score_period(period, actor=supervisor)  # nothing changed: no new entry
    entries = list(LogEntry.objects.get_for_object(card).order_by("pk"))
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == supervisor for e in entries)
    assert entries[1].changes["duty"] == ["70.00", "90.00"]


def test_query_count_does_not_grow_with_cadres(period, county, village, django_assert_num_queries):
    def scored_queries(n):
        for _ in range(n):
            complete_inputs(period, resident(county, village))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            score_period(period)
        Scorecard.objects.all().delete()
        LogEntry.objects.all().delete()
        return len(ctx.captured_queries)

    assert scored_queries(2) == scored_queries(30)


def test_seeded_golmud_2016(transactional_db):
    from demo.seed import seed_reports

    seed_reports()
    period = AssessmentPeriod.objects.get(county__code="632801", name="2016年度")
    cards = score_period(period)
    assert len(cards) == 40
    incomplete = [c for c in cards if c.incomplete]
    assert len(incomplete) == 2  # the last two cadres have no duty rating; the last also misses March
    assert any("2016-03" in c.missing for c in incomplete)
    vetoed = [c for c in cards if c.cadre.vetoes.exists()]
    assert len(vetoed) == 1 and vetoed[0].grade == Grade.INCOMPETENT
    ranks = sorted(c.rank for c in cards if not c.incomplete)
    assert ranks[0] == 1 and len(ranks) == 38
    assert vetoed[0].rank == 38  # ranked after every cadre without a veto


def test_returned_cards_are_the_stored_rows_by_rank_unranked_last(period, county, village):
    ranked = [resident(county, village) for _ in range(3)]
    for cadre, duty in zip(ranked, ("70", "90", "80"), strict=True):
        complete_inputs(period, cadre, duty=duty)
    unranked = resident(county, village)  # no inputs at all
    score_period(period)  # the second run updates the rows the first one created
    cards = score_period(period)
    assert [c.cadre_id for c in cards] == [ranked[1].pk, ranked[2].pk, ranked[0].pk, unranked.pk]
    assert [c.rank for c in cards] == [1, 2, 3, None]
    stored = {c.pk: c for c in Scorecard.objects.filter(period=period)}
    assert sorted(stored) == sorted(c.pk for c in cards)
    for card in cards:
        row = stored[card.pk]
        assert (row.cadre_id, row.total, row.grade, row.rank, row.missing) == \
            (card.cadre_id, card.total, card.grade, card.rank, card.missing)
