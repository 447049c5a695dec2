"""The 331 assessment API: periods (create, score, close), scorecards (the site's filters and sort) and the
four kinds of scoring inputs, with the site's validation, permissions and figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import selectors
from assessments.models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Scorecard, Veto
from assessments.services import period_months, score_period
from cadres.models import AttendanceReport
from tests.factories import (
    make_assignment,
    make_bonus_item,
    make_cadre,
    make_duty_rating,
    make_period,
    make_survey,
    make_township,
    make_unit,
    make_veto,
    make_village,
)

INPUT_MODELS = (DutyRating, SatisfactionSurvey, BonusItem, Veto)

PERIOD_DATA = {
    "name": "2016年第三季度", "kind": "quarter", "start_date": "2016-07-01", "end_date": "2016-09-30",
    "weight_attendance": 3, "weight_duty": 3, "weight_satisfaction": 4, "bonus_cap": "10", "absence_deduction": "2",
    "required_days_per_month": 20, "basic_satisfied_factor": "0.6", "threshold_excellent": "90",
    "threshold_competent": "75", "threshold_basic": "60",
}


def url(basename, *args, action="detail"):
    return reverse(f"api:{basename}-{action}", args=args)


def list_url(basename):
    return reverse(f"api:{basename}-list")


def counts():
    return {model.__name__: model.objects.count() for model in (AssessmentPeriod, *INPUT_MODELS, Scorecard)}


def file_attendance(period, *cadres, days_present=20):
    AttendanceReport.objects.bulk_create([
        AttendanceReport(cadre=cadre, month=month, required_days=20, days_present=days_present)
        for cadre in cadres for month in period_months(period)
    ])


@pytest.fixture
def period(world):
    """Golmud's 2016 annual period; the world's three cadres are resident in it."""
    return make_period(world.golmud, name="2016年度")


@pytest.fixture
def stranger(world):
    """A cadre of Wulan, resident in the foreign village."""
    cadre = make_cadre(world.wulan, name="外县干部")
    make_assignment(cadre, world.foreign, start_date=datetime.date(2015, 9, 1))
    return cadre


# ------------------------------------------------------------------ the whole round, as a supervisor does it


def test_create_period_add_inputs_score_filter_close(world, api, client):
    site, client = client, api(world.supervisor)

    response = client.post(list_url("assessment-periods"), {**PERIOD_DATA, "county": world.golmud.pk},
                           format="json")
    assert response.status_code == 201, response.data
    period = AssessmentPeriod.objects.get(pk=response.data["id"])
    assert response.data["county_code"] == "632801" and response.data["closed"] is False
    assert (period.county, period.name, period.kind) == (world.golmud, "2016年第三季度", "quarter")

    cadre, teammate, other = world.cadre.pk, world.teammate.pk, world.other.pk
    posts = [
        ("duty-ratings", {"period": period.pk, "cadre": cadre, "score": "88.5", "rater_name": "考核组"}),
        ("duty-ratings", {"period": period.pk, "cadre": teammate, "score": "70", "rater_name": "考核组"}),
        ("surveys", {"period": period.pk, "cadre": cadre, "group": "villagers", "satisfied": 30,
                     "basically_satisfied": 10, "unsatisfied": 2}),
        ("surveys", {"period": period.pk, "cadre": teammate, "group": "party_members", "satisfied": 10,
                     "basically_satisfied": 0, "unsatisfied": 0}),
        ("bonus-items", {"period": period.pk, "cadre": cadre, "kind": "commendation", "level": "prefecture",
                         "points": "2"}),
        ("vetoes", {"period": period.pk, "cadre": teammate, "reason": "未报备擅自离岗"}),
    ]
    for basename, data in posts:
        response = client.post(list_url(basename), data, format="json")
        assert response.status_code == 201, (basename, response.data)
    rating = DutyRating.objects.get(cadre=cadre)
    assert rating.score == Decimal("88.5") and rating.rater == world.supervisor
    file_attendance(period, world.cadre, world.teammate, world.other)

    response = client.post(url("assessment-periods", period.pk, action="score"))
    assert response.status_code == 200 and response.data == {"scored": 3}

    response = client.get(list_url("scorecards"), {"period": period.pk})
    assert response.status_code == 200 and response.data["count"] == 3
    rows = {row["cadre"]: row for row in response.data["results"]}
    # 0.3·100 + 0.3·88.5 + 0.4·(100·(30 + 0.6·10)/42 = 85.71) + 2 = 92.83
    assert (rows[cadre]["attendance"], rows[cadre]["duty"], rows[cadre]["satisfaction"], rows[cadre]["bonus"],
            rows[cadre]["total"], rows[cadre]["grade"], rows[cadre]["rank"]) == (
        "100.00", "88.50", "85.71", "2.00", "92.83", "excellent", 1)
    assert rows[cadre]["village_code"] == world.mine.code and rows[cadre]["role"] == "first_secretary"
    assert rows[teammate]["grade"] == "incompetent" and rows[teammate]["veto_reason"] == "未报备擅自离岗"
    assert rows[other]["incomplete"] is True and rows[other]["total"] is None
    assert "履职评分" in rows[other]["missing"] and rows[other]["rank"] is None

    # the site's scoring (its page's button, same service) stores the same figures
    api_figures = {r["cadre"]: (r["total"], r["grade"], r["rank"]) for r in response.data["results"]}
    site.force_login(world.supervisor)
    assert site.post(reverse("assess:score", args=[period.pk])).status_code == 302
    stored = {card.cadre_id: (None if card.total is None else f"{card.total:.2f}", card.grade, card.rank)
              for card in selectors.scorecards(period)}
    assert stored == api_figures

    # the site's filters and sort
    def cadres_listed(**params):
        answer = client.get(list_url("scorecards"), {"period": period.pk, **params})
        assert answer.status_code == 200, answer.data
        return [row["cadre"] for row in answer.data["results"]]

    assert cadres_listed(grade="excellent") == [cadre]
    assert cadres_listed(incomplete="true") == [other]
    assert cadres_listed(village=world.neighbour.code) == [other]
    assert cadres_listed(unit=world.cadre.unit_id) == [cadre]
    assert cadres_listed(sort="-total")[:2] == [cadre, teammate]
    assert cadres_listed(search=world.other.name) == [other]
    for params, field in [({"grade": "splendid"}, "grade"), ({"village": world.foreign.code}, "village"),
                          ({"sort": "salary"}, "sort"), ({"unit": "x"}, "unit")]:
        answer = client.get(list_url("scorecards"), {"period": period.pk, **params})
        assert answer.status_code == 400 and field in answer.data, (params, answer.data)

    card = Scorecard.objects.get(period=period, cadre=cadre)
    detail = client.get(url("scorecards", card.pk))
    assert detail.status_code == 200 and detail.data == rows[cadre] | {"computed_at": detail.data["computed_at"]}

    # close: frozen
    response = client.post(url("assessment-periods", period.pk, action="close"))
    assert response.status_code == 200 and response.data["closed"] is True
    period.refresh_from_db()
    assert period.closed
    before = counts()
    refused = [
        client.post(list_url("vetoes"), {"period": period.pk, "cadre": other, "reason": "迟到"}, format="json"),
        client.patch(url("duty-ratings", rating.pk), {"score": "99"}, format="json"),
        client.delete(url("bonus-items", BonusItem.objects.get().pk)),
        client.post(url("assessment-periods", period.pk, action="score")),
    ]
    for response in refused:
        assert response.status_code == 400, response.data
        assert "已结束" in str(response.data["non_field_errors"]), response.data
    assert counts() == before
    rating.refresh_from_db()
    assert rating.score == Decimal("88.5")
    # closing again changes nothing
    assert client.post(url("assessment-periods", period.pk, action="close")).data["closed"] is True


def test_supervisors_read_everything_of_their_county_and_other_roles_nothing(world, api, period):
    """As on the site (assessments pages are the supervisors'), cadres and county staff get 403, reads too."""
    make_duty_rating(period, world.cadre)
    make_survey(period, world.cadre)
    make_bonus_item(period, world.cadre)
    make_veto(period, world.teammate)
    score_period(period)
    client = api(world.supervisor)
    assert client.get(list_url("assessment-periods")).data["count"] == 1
    assert client.get(url("assessment-periods", period.pk)).status_code == 200
    assert client.get(list_url("scorecards"), {"period": period.pk}).data["count"] == 3
    for basename in ("duty-ratings", "surveys", "bonus-items", "vetoes"):
        assert client.get(list_url(basename)).data["count"] == 1, basename
    for user in (world.staff, world.cadre_user):
        client = api(user)
        assert client.get(list_url("assessment-periods")).status_code == 403
        assert client.get(url("assessment-periods", period.pk)).status_code == 403
        assert client.get(list_url("scorecards"), {"period": period.pk}).status_code == 403
        for basename in ("duty-ratings", "surveys", "bonus-items", "vetoes"):
            assert client.get(list_url(basename)).status_code == 403, (user, basename)


# ------------------------------------------------------------------ who may write


def test_cadres_and_county_staff_get_403_and_nothing_is_written(world, api, period):
    rating = make_duty_rating(period, world.cadre)
    file_attendance(period, world.cadre)
    before = counts()
    for user in (world.cadre_user, world.staff):
        client = api(user)
        answers = [
            client.post(list_url("assessment-periods"), {**PERIOD_DATA, "county": world.golmud.pk}, format="json"),
            client.post(url("assessment-periods", period.pk, action="score")),
            client.post(url("assessment-periods", period.pk, action="close")),
            client.post(list_url("vetoes"), {"period": period.pk, "cadre": world.other.pk, "reason": "x"},
                        format="json"),
            client.patch(url("duty-ratings", rating.pk), {"score": "1"}, format="json"),
            client.delete(url("duty-ratings", rating.pk)),
        ]
        assert [a.status_code for a in answers] == [403] * 6, user
    assert counts() == before
    period.refresh_from_db()
    assert not period.closed


def test_another_countys_supervisor_gets_404_and_nothing_is_written(world, api, period):
    rating = make_duty_rating(period, world.cadre)
    card = score_period(period)[0]
    client = api(world.wulan_supervisor)
    before = counts()
    assert client.get(list_url("assessment-periods")).data["count"] == 0
    assert client.get(list_url("duty-ratings")).data["count"] == 0
    for answer in [
        client.get(url("assessment-periods", period.pk)),
        client.get(url("scorecards", card.pk)),
        client.get(url("duty-ratings", rating.pk)),
        client.post(url("assessment-periods", period.pk, action="score")),
        client.post(url("assessment-periods", period.pk, action="close")),
        client.patch(url("duty-ratings", rating.pk), {"score": "1"}, format="json"),
        client.delete(url("duty-ratings", rating.pk)),
    ]:
        assert answer.status_code == 404
    # Golmud's period, county and cadres are not choices of theirs
    answer = client.post(list_url("vetoes"), {"period": period.pk, "cadre": world.cadre.pk, "reason": "x"},
                         format="json")
    assert answer.status_code == 400 and {"period", "cadre"} <= set(answer.data)
    answer = client.post(list_url("assessment-periods"), {**PERIOD_DATA, "county": world.golmud.pk}, format="json")
    assert answer.status_code == 400 and "county" in answer.data
    answer = client.get(list_url("scorecards"), {"period": period.pk})
    assert answer.status_code == 400 and "period" in answer.data
    assert counts() == before


def test_an_administrator_writes_in_any_county(world, api, django_user_model, stranger):
    admin = django_user_model.objects.create_superuser("root")
    client = api(admin)
    response = client.post(list_url("assessment-periods"), {**PERIOD_DATA, "county": world.wulan.pk}, format="json")
    assert response.status_code == 201
    response = client.post(list_url("vetoes"), {"period": response.data["id"], "cadre": stranger.pk,
                                                "reason": "未报备擅自离岗"}, format="json")
    assert response.status_code == 201 and Veto.objects.get().cadre == stranger


# ------------------------------------------------------------------ 400s: the site's validation, as field errors


@pytest.mark.parametrize("change, field", [
    ({"end_date": "2016-06-30"}, "end_date"),
    ({"weight_attendance": 2}, "weight_satisfaction"),
    ({"threshold_competent": "95"}, "threshold_excellent"),
    ({"required_days_per_month": 40}, "required_days_per_month"),
    ({"basic_satisfied_factor": "1.5"}, "basic_satisfied_factor"),
    ({"bonus_cap": "-1"}, "bonus_cap"),
    ({"kind": "monthly"}, "kind"),
    ({"start_date": "2016-13-01"}, "start_date"),
    ({"weight_duty": 10 ** 20}, "weight_duty"),
    ({"bonus_cap": "1e400"}, "bonus_cap"),
    ({"name": "2016年度"}, "name"),  # the name of an existing period of the county
    ({"county": 10 ** 20}, "county"),
])
def test_bad_periods_are_refused_with_the_field_named(world, api, period, change, field):
    before = counts()
    response = api(world.supervisor).post(list_url("assessment-periods"),
                                          {**PERIOD_DATA, "county": world.golmud.pk, **change}, format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert counts() == before


@pytest.mark.parametrize("basename, data, field", [
    ("duty-ratings", {"score": "101", "rater_name": "督查组"}, "score"),
    ("duty-ratings", {"score": "-1", "rater_name": "督查组"}, "score"),
    ("duty-ratings", {"score": "80"}, "rater_name"),
    ("surveys", {"group": "villagers", "satisfied": -3, "basically_satisfied": 1, "unsatisfied": 0}, "satisfied"),
    ("surveys", {"group": "villagers", "satisfied": 10 ** 30, "basically_satisfied": 1, "unsatisfied": 0},
     "satisfied"),
    ("surveys", {"group": "elders", "satisfied": 3, "basically_satisfied": 1, "unsatisfied": 0}, "group"),
    ("bonus-items", {"kind": "commendation", "level": "county", "points": "0"}, "points"),
    ("bonus-items", {"kind": "commendation", "level": "galactic", "points": "1"}, "level"),
    ("vetoes", {"reason": ""}, "reason"),
    ("vetoes", {"reason": "x", "cadre": "abc"}, "cadre"),
    ("vetoes", {"reason": "x", "period": 10 ** 20}, "period"),
])
def test_bad_inputs_are_refused_with_the_field_named(world, api, period, basename, data, field):
    before = counts()
    response = api(world.supervisor).post(list_url(basename), {"period": period.pk, "cadre": world.cadre.pk, **data},
                                          format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert counts() == before


def test_a_second_row_where_one_is_allowed_is_a_field_error(world, api, period):
    make_duty_rating(period, world.cadre)
    make_survey(period, world.cadre, group="villagers")
    make_veto(period, world.cadre)
    client = api(world.supervisor)
    before = counts()
    for basename, data, field, message in [
        ("duty-ratings", {"score": "90", "rater_name": "督查组"}, "cadre",
         "该干部在本考核期已有履职评分，请修改原评分。"),
        ("vetoes", {"reason": "又一次"}, "cadre", "该干部在本考核期已有一票否决记录，请修改原记录。"),
        ("surveys", {"group": "villagers", "satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0}, "group",
         "该干部在本考核期已有这一测评对象的满意度测评，请修改原测评。"),
    ]:
        response = client.post(list_url(basename), {"period": period.pk, "cadre": world.cadre.pk, **data},
                               format="json")
        assert response.status_code == 400 and response.data == {field: [message]}, response.data
    assert counts() == before
    # another group of respondents for the same cadre is a new survey
    response = client.post(list_url("surveys"), {"period": period.pk, "cadre": world.cadre.pk,
                                                 "group": "party_members", "satisfied": 5,
                                                 "basically_satisfied": 0, "unsatisfied": 0}, format="json")
    assert response.status_code == 201


def test_the_cadre_must_be_one_of_the_periods(world, api, period, stranger):
    late = make_cadre(world.golmud, name="新到干部")
    make_assignment(late, world.neighbour, start_date=datetime.date(2017, 3, 1))  # after the period
    client = api(world.supervisor)
    for cadre in (stranger, late):
        response = client.post(list_url("vetoes"), {"period": period.pk, "cadre": cadre.pk, "reason": "伪造"},
                               format="json")
        assert response.status_code == 400 and "cadre" in response.data, response.data
    assert not Veto.objects.exists()


def test_patch_changes_values_not_the_period_and_delete_removes(world, api, period):
    rating = make_duty_rating(period, world.cadre, score=Decimal("60"))
    later = make_period(world.golmud, name="2017年度", start_date=datetime.date(2017, 1, 1),
                        end_date=datetime.date(2017, 12, 31))
    client = api(world.supervisor)
    response = client.patch(url("duty-ratings", rating.pk), {"score": "77.5", "period": later.pk}, format="json")
    assert response.status_code == 200 and response.data["score"] == "77.50"
    rating.refresh_from_db()
    assert (rating.score, rating.period, rating.rater) == (Decimal("77.5"), period, world.supervisor)
    response = client.patch(url("duty-ratings", rating.pk), {"score": "100.01"}, format="json")
    assert response.status_code == 400 and "score" in response.data
    response = client.patch(url("duty-ratings", rating.pk), {"cadre": world.other.pk}, format="json")
    assert response.status_code == 200 and DutyRating.objects.get().cadre == world.other
    assert client.delete(url("duty-ratings", rating.pk)).status_code == 204
    assert not DutyRating.objects.exists()


# ------------------------------------------------------------------ filters of the lists


def test_period_filters(world, api, period):
    quarter = make_period(world.golmud, name="2017年第一季度", kind="quarter", start_date=datetime.date(2017, 1, 1),
                          end_date=datetime.date(2017, 3, 31), closed=True)
    make_period(world.wulan, name="乌兰2016年度")
    client = api(world.supervisor)

    def listed(**params):
        answer = client.get(list_url("assessment-periods"), params)
        assert answer.status_code == 200, answer.data
        return [row["id"] for row in answer.data["results"]]

    assert listed() == [quarter.pk, period.pk]
    assert listed(county="632801", kind="annual") == [period.pk]
    assert listed(year=2017) == [quarter.pk] and listed(year=2016) == [period.pk]
    assert listed(closed="true") == [quarter.pk] and listed(closed="false") == [period.pk]
    assert listed(ordering="start_date") == [period.pk, quarter.pk]
    assert listed(search="季度") == [quarter.pk]
    for params, field in [({"kind": "monthly"}, "kind"), ({"county": "632821"}, "county"),
                          ({"year": "20x6"}, "year"), ({"year": 10 ** 20}, "year"), ({"closed": "1"}, "closed"),
                          ({"ordering": "closed"}, "ordering")]:
        answer = client.get(list_url("assessment-periods"), params)
        assert answer.status_code == 400 and field in answer.data, (params, answer.data)


def test_input_filters(world, api, period, stranger):
    other_period = make_period(world.wulan, name="乌兰2016年度")
    mine = make_duty_rating(period, world.cadre)
    theirs = make_duty_rating(period, world.other)
    make_duty_rating(other_period, stranger)
    client = api(world.supervisor)
    answer = client.get(list_url("duty-ratings"), {"cadre": world.other.pk})
    assert [row["id"] for row in answer.data["results"]] == [theirs.pk]
    answer = client.get(list_url("duty-ratings"), {"period": period.pk, "ordering": "cadre__name"})
    assert {row["id"] for row in answer.data["results"]} == {mine.pk, theirs.pk}
    assert answer.data["results"][0]["cadre_name"] == min(world.cadre.name, world.other.name)
    for params, field in [({"period": other_period.pk}, "period"), ({"cadre": stranger.pk}, "cadre"),
                          ({"cadre": "me"}, "cadre"), ({"period": 10 ** 20}, "period")]:
        answer = client.get(list_url("duty-ratings"), params)
        assert answer.status_code == 400 and field in answer.data, (params, answer.data)


@pytest.mark.parametrize("params", [{}, {"period": "x"}, {"period": "999999"}, {"period": 10 ** 20}])
def test_scorecards_need_a_period_of_the_users_counties(world, api, period, params):
    answer = api(world.supervisor).get(list_url("scorecards"), params)
    assert answer.status_code == 400 and "period" in answer.data


def test_an_unknown_scorecard_is_404(world, api, period):
    client = api(world.supervisor)
    assert client.get(url("scorecards", 999999)).status_code == 404
    assert client.get(url("scorecards", "abc")).status_code == 404


# ------------------------------------------------------------------ query budgets


def add_scored_cadres(period, n):
    village = make_village(make_township(period.county))
    unit = make_unit(period.county)
    for i in range(n):
        cadre = make_cadre(period.county, unit, name=f"批量干部{i:03d}")
        make_assignment(cadre, village, start_date=datetime.date(2015, 10, 1))
        make_duty_rating(period, cadre)
        make_survey(period, cadre)
        make_bonus_item(period, cadre)
        make_veto(period, cadre)
    score_period(period)


@pytest.mark.parametrize("basename", ["scorecards", "duty-ratings", "surveys", "bonus-items", "vetoes",
                                      "assessment-periods"])
def test_lists_make_the_same_number_of_queries_for_more_rows(world, api, period, basename):
    client = api(world.supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(list_url(basename), {"period": period.pk}).status_code == 200
        return len(captured)

    add_scored_cadres(period, 3)
    queries()  # the user's access is computed once, on the first request
    few = queries()
    add_scored_cadres(period, 30)
    for i in range(30):
        make_period(world.golmud, name=f"批量考核期{i}")
    assert queries() == few
