"""Issue 32 item 4: the templates work the first time, on the seeded demo data, as its county staff uploads them.

Every import's template uploaded unchanged previews without an error (its example row skipped, as its 说明 says);
with one real row filled in beneath the example, the preview shows exactly that row as 新建. A template uploaded
to another import is answered with one message naming the import it belongs to."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import AttendanceReport, Cadre, Unit
from households.models import Household, Member
from imports.resources import EXAMPLE_ID, KIND_LABELS, KINDS
from imports.services import CROSSCHECK_EXAMPLE, DepartmentList
from povertyboard.resident_ids import SEX_FEMALE, parse_resident_id
from villages.models import County, Village

from .conftest import household_row, member_row, rid, upload

pytestmark = pytest.mark.django_db
VILLAGE = "632821100200"  # 东庄村村委会, the templates' example village
ALL_KINDS = [*KINDS, "crosscheck"]


@pytest.fixture
def staff(client, seeded, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client.force_login(django_user_model.objects.get(username="staff"))
    return client


def template(client, kind) -> bytes:
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    return response.content


def send(client, kind, content):
    if kind == "crosscheck":
        return client.post(reverse("imports:crosscheck"), {
            "source": "公安局", "label": "车辆", "list_date": "2016-10-01",
            "file": SimpleUploadedFile("名单.xlsx", content)})
    return upload(client, kind, content)


def real_row(kind) -> dict:
    """One row of each kind that the seeded Wulan staff may import: new, and valid."""
    wulan = County.objects.get(code="632821")
    village = Village.objects.select_related("township").get(code=VILLAGE)
    household = Household.objects.in_county(wulan).select_related("village").order_by("pk").first()
    if kind == "households":
        return household_row(village, "TPL-001", head="模板户主")
    if kind == "members":
        child = rid(5, datetime.date(2008, 6, 1), SEX_FEMALE)
        return member_row(household.village, household.number, "模板成员", child, 与户主关系="子女", 文化程度="小学",
                          劳动技能="无劳动力", 在校生="是")
    if kind == "measures":
        return {"行政村代码": VILLAGE, "户编号": "", "类别": "发展产业", "措施内容": "模板测试措施", "状态": "计划",
                "计划日期": "2016-03-01"}
    if kind == "attendance":
        names = list(Cadre.objects.filter(county=wulan).values_list("name", flat=True))
        cadre = next(c for c in Cadre.objects.filter(county=wulan).order_by("pk") if names.count(c.name) == 1)
        assert not AttendanceReport.objects.filter(cadre=cadre, month=datetime.date(2015, 1, 1)).exists()
        return {"干部姓名": cadre.name, "月份": "2015-01", "实际驻村天数": 20}
    if kind == "pairings":
        unit = Unit.objects.filter(county=wulan).order_by("pk").first()
        return {"行政村代码": household.village.code, "户编号": household.number, "帮扶单位": unit.name,
                "帮扶责任人": "模板帮扶人", "结对日期": "2016-03-01"}
    return {"身份证号码": rid(7, datetime.date(1941, 1, 1)), "姓名": "模板"}


def filled(content: bytes, row: dict) -> bytes:
    """The template with the row written beneath the example, in its first sheet."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for column, header in enumerate(headers, start=1):
        if row.get(header, "") != "":
            sheet.cell(3, column, row[header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def outcome(response, kind) -> list[tuple]:
    assert response.status_code == 200, response.content.decode()[:2000]
    report = response.context["report"]
    assert report.ok, report.all_problems
    if kind == "crosscheck":
        return [("example",)] * report.examples + [("listed",)] * report.listed
    return [(r.sheet, r.row, r.action) for r in report.rows]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_template_uploaded_unchanged_has_no_error(staff, kind):
    content = template(staff, kind)
    rows = outcome(send(staff, kind, content), kind)
    if kind == "crosscheck":
        assert rows == [("example",)]
    else:
        assert rows == [(r.sheet, 2, "example") for r in KINDS[kind]]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_real_row_beneath_the_example_is_the_one_row_imported(staff, kind):
    content = filled(template(staff, kind), real_row(kind))
    rows = outcome(send(staff, kind, content), kind)
    if kind == "crosscheck":
        assert rows == [("example",), ("listed",)]
    else:
        first = KINDS[kind][0].sheet
        assert [r for r in rows if r[2] != "example"] == [(first, 3, "new")]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_example_value_is_valid(staff, kind):
    resources = [DepartmentList()] if kind == "crosscheck" else [r() for r in KINDS[kind]]
    for resource in resources:
        example = CROSSCHECK_EXAMPLE if kind == "crosscheck" else resource.example
        for field in resource.get_import_fields():
            value = example.get(field.column_name, "")
            if field.column_name in ("行政村代码", "户编号", "干部姓名", "帮扶责任人", "责任人"):
                continue  # looked up in the registry: the example's village is checked below, the rest is example
            field.widget.clean(value, row=example)  # raises on an invalid value
        if "身份证号码" in example:
            assert example["身份证号码"] == EXAMPLE_ID
            parse_resident_id(EXAMPLE_ID)
        if "行政村代码" in example:
            assert Village.objects.filter(code=example["行政村代码"]).exists()
    assert not Member.objects.filter(id_number=EXAMPLE_ID).exists()


@pytest.mark.parametrize("uploaded", ALL_KINDS)
@pytest.mark.parametrize("target", ALL_KINDS)
def test_another_imports_template_is_named(staff, uploaded, target):
    if uploaded == target:
        return
    response = send(staff, target, template(staff, uploaded))
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    label = "部门比对名单" if uploaded == "crosscheck" else str(KIND_LABELS[uploaded])
    assert errors == [f"这看起来是“{label}”的模板，请在“{label}”导入中上传，或下载本导入的模板。"]
