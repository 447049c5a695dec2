"""A small world for the import tests: Wulan (the staff user's county) and Golmud, files built in memory."""

import csv
import datetime
import io
import re
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.services import check_file, run_import
from povertyboard import access
from povertyboard.resident_ids import SEX_MALE, make_resident_id
from tests.factories import make_cadre, make_county, make_township, make_unit, make_village
from tests.support import make_user

HOUSEHOLD_HEADERS = ["行政村代码", "乡镇（街道）", "行政村", "户编号", "村民小组", "户主姓名", "联系电话",
                     "主要致贫原因", "次要致贫原因", "脱贫意愿", "状态", "识别年度", "计划脱贫年度", "脱贫年度",
                     "低保户", "五保户", "危房户", "易地搬迁户"]


def rid(n: int, birth=datetime.date(1975, 3, 8), sex=SEX_MALE, area="632821") -> str:
    """A checksum-valid resident ID, distinct for each n."""
    return make_resident_id(area, birth, 2 * n + 1 if sex == SEX_MALE else 2 * n, sex)


def bad_checksum(resident_id: str) -> str:
    last = resident_id[-1]
    return resident_id[:-1] + ("0" if last != "0" else "1")


def household_row(village, number, head="张三", **overrides) -> dict:
    row = {"行政村代码": village.code, "乡镇（街道）": village.township.name, "行政村": village.name, "户编号": number,
           "村民小组": 1, "户主姓名": head, "联系电话": "", "主要致贫原因": "因病", "次要致贫原因": "",
           "脱贫意愿": "产业", "状态": "帮扶中", "识别年度": 2015, "计划脱贫年度": 2017, "脱贫年度": "",
           "低保户": "否", "五保户": "否", "危房户": "是", "易地搬迁户": "否"}
    row.update(overrides)
    return row


def member_row(village, number, name, resident_id, **overrides) -> dict:
    row = {"行政村代码": village.code, "户编号": number, "姓名": name, "身份证号码": resident_id, "与户主关系": "户主",
           "性别": "", "出生日期": "", "文化程度": "初中", "健康状况": "健康", "劳动技能": "普通劳动力", "在校生": "否",
           "联系电话": ""}
    row.update(overrides)
    return row


def xlsx(sheets: dict[str, list[dict] | tuple[list, list]]) -> bytes:
    """A workbook: sheet name → rows as dicts (headers from the first row) or (headers, rows of values)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, content in sheets.items():
        sheet = workbook.create_sheet(name)
        if isinstance(content, tuple):
            headers, rows = content
        else:
            headers = list(content[0]) if content else []
            rows = [[r.get(h, "") for h in headers] for r in content]
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)



@pytest.fixture
def world(db, django_user_model):
    wulan = make_county("632821", name="乌兰县")
    golmud = make_county("632801", name="格尔木市")
    xiligou = make_township(wulan, name="希里沟镇")
    chaka = make_township(wulan, name="茶卡镇")
    village = make_village(xiligou, code="632821101001", name="希里演示01村", group_count=5)
    other = make_village(chaka, code="632821102001", name="茶卡演示01村", group_count=5)
    foreign = make_village(make_township(golmud, name="郭勒木德镇"), code="632801101001", name="郭勒演示01村")
    admin = django_user_model.objects.create_superuser("admin", password="x")
    unit = make_unit(wulan, name="乌兰县农牧局")
    return SimpleNamespace(
        wulan=wulan, golmud=golmud, xiligou=xiligou, chaka=chaka, village=village, other=other, foreign=foreign,
        unit=unit, cadre=make_cadre(wulan, unit, name="李四", phone="13900000001"),
        golmud_cadre=make_cadre(golmud, name="赵六"),
        staff=make_user(django_user_model, "staff", access.COUNTY_STAFF, wulan),
        golmud_staff=make_user(django_user_model, "golmud", access.COUNTY_STAFF, golmud),
        cadre_user=make_user(django_user_model, "cadre", access.CADRE, wulan),
        supervisor=make_user(django_user_model, "supervisor", access.SUPERVISOR, wulan),
        admin=admin,
    )


@pytest.fixture
def run(tmp_path):
    """run(kind, content, user, name=..., commit=True) → the ImportReport of the file, as the pages run it."""

    def run_file(kind, content: bytes, user, name="registry.xlsx", commit=True):
        path = tmp_path / f"upload-{len(list(tmp_path.iterdir()))}"
        path.write_bytes(content)
        return run_import(kind, path, check_file(path, name), user, commit=commit)

    return run_file


def problems_of(report) -> list[tuple]:
    """(sheet, row, column, value, message) of every problem."""
    return [(p.sheet, p.row, p.column, p.value, p.message) for p in report.all_problems]


# ------------------------------------------------------------------------------------------ the pages


@pytest.fixture
def media(settings, tmp_path):
    """Stored uploads in the test's own directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media) -> list:
    root = media / "tmp" / "imports"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(client, kind, content, name="registry.xlsx"):
    return client.post(reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile(name, content)})


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the preview offers no confirmation"
    return match.group(1)
