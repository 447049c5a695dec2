"""Worksheet titles made from what users type: any period name exports (issue 25 item 10, the export part).

Excel refuses a title with []:*?/\\, one starting or ending with an apostrophe, one longer than 31 characters and a
second sheet of the same title (ignoring case); xlsxwriter raises InvalidWorksheetName before writing such a book.
"""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.services import score_period
from povertyboard import access
from povertyboard.exports import sheet_title
from tests.factories import make_assignment, make_cadre, make_county, make_period, make_township, make_village
from tests.support import make_user

FORTY = "二〇一七年度驻村第一书记及工作队员综合考核第一批次（州县两级联合督查组复核之后）"  # 40 characters


@pytest.mark.parametrize(("text", "title"), [
    ("2017年度'", "2017年度"),
    ("'2017年度'", "2017年度"),
    ("考核[一]:*?/\\期", "考核-一------期"),
    (FORTY, FORTY[:31]),
    ("''", "Sheet"),
    ("History", "History (2)"),  # Excel's reserved name
])
def test_any_text_becomes_a_valid_title(text, title):
    assert sheet_title(text) == title


def test_titles_that_collide_after_cleaning_are_numbered_within_31_characters():
    assert len(FORTY) == 40
    taken = [sheet_title("2017/1")]
    assert taken == ["2017-1"]
    taken.append(sheet_title("2017:1", taken))
    taken.append(sheet_title("2017?1", [t.upper() for t in taken]))  # Excel ignores case
    assert taken == ["2017-1", "2017-1 (2)", "2017-1 (3)"]
    long_title = sheet_title(FORTY)
    assert sheet_title(FORTY + "（续）", [long_title]) == FORTY[:27] + " (2)"
    # an apostrophe the cut leaves at the end is dropped before the number
    assert sheet_title("a" * 26 + "'bbbbbb", ["a" * 26 + "'bbbb"]) == "a" * 26 + " (2)"


def test_astral_characters_count_twice_towards_the_31():
    title = sheet_title("𠀀" * 20)
    assert title == "𠀀" * 15


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["2017年度'", "考核[一]:*?/\\期", FORTY, "'''"])
def test_the_scorecard_export_answers_a_workbook_whatever_the_period_name(client, django_user_model, name):
    county = make_county("632801", name="格尔木市")
    period = make_period(county, name=name)
    cadre = make_cadre(county)
    make_assignment(cadre, make_village(make_township(county)), start_date=datetime.date(2015, 10, 1))
    score_period(period)
    client.force_login(make_user(django_user_model, "supervisor", access.SUPERVISOR, county))

    response = client.get(reverse("assess:export", args=[period.pk]))

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [sheet_title(f"格尔木市{name}")]
    title = book.sheetnames[0]
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\") and title[0] != "'" and title[-1] != "'"
    assert name in book.active["A1"].value  # the heading names the period
    assert book.active["A3"].value == "格尔木市"  # the first row of data, below the heading and the header
