"""Supervisors' 331 pages: who may open them, scoring from the page, filters, the 鉴定挂图 and the Excel export."""

import csv
import datetime
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Scorecard, Veto
from assessments.services import period_months, score_period
from cadres.models import AttendanceReport
from povertyboard import access
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_duty_rating,
    make_period,
    make_survey,
    make_township,
    make_unit,
    make_user_area,
    make_veto,
    make_village,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return make_county("632801", name="格尔木市")


@pytest.fixture
def period(county):
    return make_period(county, name="2016年度")


def add_cadres(period, n, unit=None):
    village = make_village(make_township(period.county))
    unit = unit or make_unit(period.county)
    cadres = []
    for i in range(n):
        cadre = make_cadre(period.county, unit, name=f"演示干部{i:03d}")
        make_assignment(cadre, village, start_date=datetime.date(2015, 10, 1))
        AttendanceReport.objects.bulk_create([
            AttendanceReport(cadre=cadre, month=m, required_days=20, days_present=18 + i % 5)
            for m in period_months(period)
        ])
        make_duty_rating(period, cadre, score=Decimal(70 + i % 30))
        make_survey(period, cadre)
        cadres.append(cadre)
    return cadres


def login_as(client, django_user_model, role, county=None, superuser=False):
    if superuser:
        user = django_user_model.objects.create_superuser(f"root{django_user_model.objects.count()}")
    else:
        user = django_user_model.objects.create_user(f"{role}{django_user_model.objects.count()}")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        make_user_area(user, county=county)
    client.force_login(user)
    return user


def urls(period, cadre):
    return [reverse("assess:periods"), reverse("assess:scorecards", args=[period.pk]),
            reverse("assess:export", args=[period.pk]), reverse("assess:sheet", args=[period.pk, cadre.pk])]


@pytest.mark.parametrize("role", [access.COUNTY_STAFF, access.CADRE])
def test_other_roles_get_403(client, django_user_model, period, role):
    cadre = add_cadres(period, 1)[0]
    score_period(period)
    login_as(client, django_user_model, role, period.county)
    for url in urls(period, cadre):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("assess:score", args=[period.pk])).status_code == 403


def test_supervisor_of_another_county_gets_404(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, make_county("632821", name="乌兰县"))
    for url in urls(period, cadre)[1:]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("assess:score", args=[period.pk])).status_code == 404
    assert period.pk not in [p.pk for p in client.get(reverse("assess:periods")).context["periods"]]


def test_supervisor_scores_from_the_page_and_sees_the_ranking(client, django_user_model, period):
    add_cadres(period, 3)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    assert client.get(reverse("assess:score", args=[period.pk])).status_code == 405
    response = client.post(reverse("assess:score", args=[period.pk]), follow=True)
    assert "已计算 3 名干部的记分卡" in response.content.decode()
    assert [c.rank for c in response.context["page"]] == [1, 2, 3]
    client.post(reverse("assess:score", args=[period.pk]))
    assert Scorecard.objects.filter(period=period).count() == 3


def test_closed_period_cannot_be_rescored(client, django_user_model, period):
    add_cadres(period, 1)
    AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.post(reverse("assess:score", args=[period.pk]), follow=True)
    assert "已冻结" in response.content.decode()
    assert not Scorecard.objects.exists()


def test_filters_and_sorting(client, django_user_model, period):
    unit = make_unit(period.county, name="演示机关甲")
    mine = add_cadres(period, 2, unit)
    add_cadres(period, 3)
    make_veto(period, mine[0], reason="演示否决")
    score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    url = reverse("assess:scorecards", args=[period.pk])
    assert {c.cadre_id for c in client.get(url, {"unit": unit.pk}).context["page"]} == {c.pk for c in mine}
    assert [c.cadre_id for c in client.get(url, {"grade": "incompetent"}).context["page"]] == [mine[0].pk]
    totals = [c.total for c in client.get(url, {"sort": "-total"}).context["page"]]
    assert totals == sorted(totals, reverse=True)
    response = client.get(url, {"grade": "no-such-grade"})
    assert response.status_code == 200
    assert response.context["filterset"].errors


def test_incomplete_cadre_is_shown_as_missing(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    AttendanceReport.objects.filter(cadre=cadre, month=datetime.date(2016, 3, 1)).delete()
    score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    html = client.get(reverse("assess:scorecards", args=[period.pk]), {"incomplete": "true"}).content.decode()
    assert "数据不全" in html and "2016-03" in html
    sheet = client.get(reverse("assess:sheet", args=[period.pk, cadre.pk])).content.decode()
    assert "未报送" in sheet


def test_sheet_shows_components_weights_and_evidence(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    card = score_period(period)[0]
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.get(reverse("assess:sheet", args=[period.pk, cadre.pk]))
    html = response.content.decode()
    assert str(card.total) in html and str(card.attendance) in html and str(card.satisfaction) in html
    assert "督查组" in html  # the rater of the duty rating
    assert len(response.context["attendance"]) == 12
    assert 'id="attendance-data"' in html


def test_excel_export(client, django_user_model, period):
    add_cadres(period, 3)
    cards = score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.get(reverse("assess:export", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(response["Content-Disposition"])
    assert "格尔木市" in disposition and "2016年度" in disposition and ".xlsx" in disposition
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("格尔木市 2016年度 331考核记分卡")  # the heading row
    headers = [c.value for c in sheet[2]]
    assert headers[:6] == ["县（市）", "考核期", "姓名", "派出单位", "驻村", "职务"]
    assert "考勤得分（权重3）" in headers and "总分" in headers and "一票否决原因" in headers
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width >= 8
    total_col = headers.index("总分") + 1
    rank_col = headers.index("县内排名") + 1
    for row, card in zip(range(3, 6), cards, strict=True):
        assert sheet.cell(row, total_col).data_type == "n"
        assert Decimal(str(sheet.cell(row, total_col).value)) == card.total
        assert sheet.cell(row, rank_col).value == card.rank
    assert sheet.max_row == 5


def test_export_without_scorecards_explains(client, django_user_model, period):
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.get(reverse("assess:export", args=[period.pk]), follow=True)
    assert response.redirect_chain and "没有可导出的记分卡" in response.content.decode()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed (.ci/run installs it)")
def test_export_opens_in_libreoffice_with_the_page_numbers(client, django_user_model, period, tmp_path):
    """A real spreadsheet program reads the same numbers as the scorecard page shows."""
    add_cadres(period, 4)
    score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    (tmp_path / "cards.xlsx").write_bytes(client.get(reverse("assess:export", args=[period.pk])).content)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
                    str(tmp_path / "cards.xlsx")], check=True, capture_output=True, timeout=120)
    rows = list(csv.reader((tmp_path / "cards.csv").read_text(encoding="utf-8").splitlines()))
    headers, body = rows[1], rows[2:]  # below the heading row
    page = client.get(reverse("assess:scorecards", args=[period.pk])).context["page"]
    assert len(body) == len(page)
    for row, card in zip(body, page, strict=True):
        values = dict(zip(headers, row, strict=True))
        assert values["姓名"] == card.cadre.name
        assert Decimal(values["总分"]) == card.total
        assert Decimal(values["考勤得分（权重3）"]) == card.attendance
        assert int(values["县内排名"]) == card.rank


def test_list_and_export_queries_do_not_grow(client, django_user_model, period, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_as(client, django_user_model, access.SUPERVISOR, period.county)

    def queries(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_cadres(period, 2)
    score_period(period)
    small = [queries(reverse(name, args=[period.pk])) for name in ("assess:scorecards", "assess:export")]
    add_cadres(period, 25)
    score_period(period)
    large = [queries(reverse(name, args=[period.pk])) for name in ("assess:scorecards", "assess:export")]
    assert small == large


def test_rules_form_saves_and_refuses_bad_weights(client, django_user_model, period):
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    url = reverse("assess:rules", args=[period.pk])
    data = {"weight_attendance": 2, "weight_duty": 3, "weight_satisfaction": 4, "bonus_cap": "10",
            "absence_deduction": "2", "required_days_per_month": 20, "basic_satisfied_factor": "0.6",
            "threshold_excellent": "90", "threshold_competent": "75", "threshold_basic": "60"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "三项权重之和应为10份" in response.content.decode()
    period.refresh_from_db()
    assert period.weight_attendance == 3
    assert client.post(url, {**data, "weight_attendance": 3, "bonus_cap": "8"}).status_code == 302
    period.refresh_from_db()
    assert period.bonus_cap == Decimal("8")


def test_closed_period_rules_and_inputs_are_refused(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.post(reverse("assess:input_create", args=[period.pk, "bonus"]),
                           {"cadre": cadre.pk, "kind": "commendation", "level": "county", "points": "2"})
    assert response.status_code == 400 and "已结束" in response.content.decode()
    assert not period.bonus_items.exists()
    response = client.post(reverse("assess:rules", args=[period.pk]), {"weight_attendance": 3})
    assert response.status_code == 400
    assert "disabled" in response.content.decode()


@pytest.mark.parametrize("kind, data, field", [
    ("duty", {"score": "101", "rater_name": "督查组"}, "score"),
    ("duty", {"score": "-1", "rater_name": "督查组"}, "score"),
    ("survey", {"group": "villagers", "satisfied": "-3", "basically_satisfied": "1", "unsatisfied": "0"},
     "satisfied"),
    ("bonus", {"kind": "commendation", "level": "county", "points": "0"}, "points"),
    ("veto", {"reason": ""}, "reason"),
])
def test_bad_inputs_are_refused_with_the_field_named(client, django_user_model, period, kind, data, field):
    cadre = add_cadres(period, 1)[0]
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    before = sum(m.objects.count() for m in (DutyRating, SatisfactionSurvey, BonusItem, Veto))
    response = client.post(reverse("assess:input_create", args=[period.pk, kind]), {"cadre": cadre.pk, **data})
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert_in_words(response)
    assert sum(m.objects.count() for m in (DutyRating, SatisfactionSurvey, BonusItem, Veto)) == before


CONSTRAINT_NAMES = [c.name for m in (DutyRating, SatisfactionSurvey, BonusItem, Veto) for c in m._meta.constraints]


def assert_in_words(response):
    """No error of the form names a constraint or uses Django's generated wording."""
    errors = [str(e) for messages in response.context["form"].errors.values() for e in messages]
    html = response.content.decode()
    for text in [*errors, html]:
        assert "约束" not in text and "已存在" not in text, errors
        assert not [name for name in CONSTRAINT_NAMES if name in text], errors


def test_score_out_of_range_says_so_in_words(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    DutyRating.objects.filter(cadre=cadre).delete()
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.post(reverse("assess:input_create", args=[period.pk, "duty"]),
                           {"cadre": cadre.pk, "score": "101", "rater_name": "督查组"})
    assert response.context["form"].errors == {"score": ["确保该值小于或等于100。"]}
    assert_in_words(response)


@pytest.mark.parametrize(("kind", "data", "mark"), [
    ("duty", {"score": "88", "rater_name": "督查组"}, "已评分"),
    ("veto", {"reason": "弄虚作假"}, "已否决"),
    ("survey", {"group": "villagers", "satisfied": "3", "basically_satisfied": "1", "unsatisfied": "0"},
     "已测评：群众"),
])
def test_a_second_input_for_a_cadre_links_to_the_first(client, django_user_model, period, kind, data, mark):
    cadre, other = add_cadres(period, 2)  # each with a duty rating and the villagers' survey
    for model in (DutyRating, SatisfactionSurvey):
        model.objects.filter(cadre=other).delete()
    first = {"veto": lambda: Veto.objects.create(period=period, cadre=cadre, reason="弄虚作假"),
             "survey": lambda: SatisfactionSurvey.objects.get(period=period, cadre=cadre, group="villagers"),
             "duty": lambda: DutyRating.objects.get(period=period, cadre=cadre)}[kind]()
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    url = reverse("assess:input_create", args=[period.pk, kind])
    choices = dict(client.get(url).context["form"].fields["cadre"].choices)
    assert str(choices[cadre.pk]) == f"{cadre.name}（{mark}）" and str(choices[other.pk]) == other.name
    response = client.post(url, {"cadre": cadre.pk, **data})
    assert response.status_code == 400
    edit = reverse("assess:input_edit", args=[period.pk, kind, first.pk])
    what = first._meta.verbose_name
    assert response.context["form"].errors == {"cadre": [
        f'{cadre.name}在本考核期已有{what}，不能重复录入。 <a href="{edit}">修改已有的{what}</a>']}
    assert f'<a href="{edit}">' in response.content.decode()
    assert_in_words(response)
    assert type(first).objects.filter(period=period, cadre=cadre).count() == 1
    # editing the first one is no clash, and its own cadre is not marked as taken
    response = client.get(edit)
    assert str(dict(response.context["form"].fields["cadre"].choices)[cadre.pk]) == cadre.name


def test_cadre_of_another_county_cannot_be_chosen(client, django_user_model, period):
    add_cadres(period, 1)
    other = make_county("632821", name="乌兰县")
    stranger = make_cadre(other, make_unit(other))
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.post(reverse("assess:input_create", args=[period.pk, "veto"]),
                           {"cadre": stranger.pk, "reason": "伪造"})
    assert response.status_code == 400 and "cadre" in response.context["form"].errors
    assert not Veto.objects.exists()


def test_supervisor_enters_a_rating_and_rescoring_uses_it(client, django_user_model, period):
    cadre = add_cadres(period, 1)[0]
    DutyRating.objects.all().delete()
    user = login_as(client, django_user_model, access.SUPERVISOR, period.county)
    response = client.post(reverse("assess:input_create", args=[period.pk, "duty"]),
                           {"cadre": cadre.pk, "score": "88.5", "rater_name": "考核组", "comment": "年承诺全部兑现"})
    assert response.status_code == 302
    rating = DutyRating.objects.get()
    assert rating.rater == user and rating.score == Decimal("88.5")
    assert score_period(period)[0].duty == Decimal("88.50")
    edit = client.get(reverse("assess:input_edit", args=[period.pk, "duty", rating.pk]))
    assert edit.status_code == 200 and "修改记录" in edit.content.decode()
    assert client.get(reverse("assess:input_create", args=[period.pk, "nonsense"])).status_code == 404


def test_supervisor_creates_a_period_in_their_county_only(client, django_user_model, period):
    other = make_county("632821", name="乌兰县")
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    data = {"name": "2016年第三季度", "kind": "quarter", "start_date": "2016-07-01", "end_date": "2016-09-30",
            "weight_attendance": 3, "weight_duty": 3, "weight_satisfaction": 4, "bonus_cap": "10",
            "absence_deduction": "2", "required_days_per_month": 20, "basic_satisfied_factor": "0.6",
            "threshold_excellent": "90", "threshold_competent": "75", "threshold_basic": "60"}
    response = client.post(reverse("assess:period_create"), {**data, "county": other.pk})
    assert response.status_code == 400 and "county" in response.context["form"].errors
    response = client.post(reverse("assess:period_create"), {**data, "county": period.county.pk,
                                                             "end_date": "2016-06-30"})
    assert response.status_code == 400 and "end_date" in response.context["form"].errors
    assert client.post(reverse("assess:period_create"), {**data, "county": period.county.pk}).status_code == 302
    assert AssessmentPeriod.objects.filter(county=period.county, name="2016年第三季度").exists()
    assert not AssessmentPeriod.objects.filter(county=other).exists()


def test_closing_a_period_freezes_it(client, django_user_model, period):
    add_cadres(period, 2)
    score_period(period)
    login_as(client, django_user_model, access.SUPERVISOR, period.county)
    assert client.get(reverse("assess:close", args=[period.pk])).status_code == 405
    assert client.post(reverse("assess:close", args=[period.pk])).status_code == 302
    period.refresh_from_db()
    assert period.closed
    response = client.post(reverse("assess:score", args=[period.pk]), follow=True)
    assert "已冻结" in response.content.decode()
    html = client.get(reverse("assess:scorecards", args=[period.pk])).content.decode()
    assert "结束考核期" not in html and "导出 Excel" in html
