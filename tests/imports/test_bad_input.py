"""Every bad input of issue 7 gets a clear message naming its row, column and value, and writes nothing.

Each file below holds good rows beside the one bad row, so "writes nothing" means the good rows too.
"""

import datetime
import io
import zipfile

import pytest

from imports.services import FileRefused
from tests.factories import make_household, make_member
from tests.support import fingerprint

from .conftest import HOUSEHOLD_HEADERS, bad_checksum, csv_bytes, household_row, member_row, problems_of, rid, xlsx

pytestmark = pytest.mark.django_db


def households_file(world, households=(), members=()):
    """Two good households with their heads, plus the given extra rows."""
    v = world.village
    return xlsx({
        "贫困户": [household_row(v, "001"), household_row(v, "002", head="李二"), *households],
        "家庭成员": [member_row(v, "001", "张三", rid(1)), member_row(v, "002", "李二", rid(2)), *members],
    })


def assert_refused_row(world, run, content, expected, kind="households", name="registry.xlsx"):
    """The file is refused with the expected (sheet, row, column, value, message fragment) problems (value None:
    any value)."""
    before = fingerprint()
    report = run(kind, content, world.staff, name=name)
    assert not report.committed
    found = problems_of(report)
    for sheet, row, column, value, fragment in expected:
        assert any(p[:3] == (sheet, row, column) and value in (None, p[3]) and fragment in p[4] for p in found), found
    assert fingerprint() == before
    return found


# ------------------------------------------------------------------------------------------ rows


def test_invalid_resident_id_checksum(world, run):
    wrong = bad_checksum(rid(3))
    content = households_file(world, members=[member_row(world.village, "001", "张小三", wrong, 与户主关系="子女")])
    found = assert_refused_row(world, run, content, [("家庭成员", 4, "身份证号码", wrong, "校验码错误（GB 11643）")])
    assert len(found) == 1


def test_resident_id_typed_as_a_number(world, run):
    """Excel keeps 15 significant digits: an ID stored as a number has lost its last digits."""
    content = households_file(world, members=[member_row(world.village, "001", "张小三", 632821197503080013)])
    found = assert_refused_row(world, run, content, [("家庭成员", 4, "身份证号码", None, "当成了数字")])
    assert len(found) == 1


def test_duplicate_id_inside_the_file(world, run):
    content = households_file(world, members=[member_row(world.village, "002", "李二二", rid(1), 与户主关系="配偶")])
    assert_refused_row(world, run, content, [("家庭成员", 4, "身份证号码", rid(1), "与第 2 行重复")])


def test_duplicate_id_against_another_household(world, run):
    elsewhere = make_household(world.other, number="900", head_name="王九")
    taken = make_member(elsewhere, birth=datetime.date(1975, 3, 8)).id_number
    content = households_file(world, members=[member_row(world.village, "001", "张小三", taken, 与户主关系="子女")])
    assert_refused_row(world, run, content, [
        ("家庭成员", 4, "身份证号码", taken, "已登记在茶卡演示01村 900 户（王九）")])


def test_duplicate_id_against_a_household_of_another_county(world, run):
    foreign = make_household(world.foreign, number="900")
    taken = make_member(foreign).id_number
    content = households_file(world, members=[member_row(world.village, "001", "张小三", taken, 与户主关系="子女")])
    found = assert_refused_row(world, run, content, [
        ("家庭成员", 4, "身份证号码", taken, "该身份证号码已登记，请与县扶贫办核实。")])
    assert "郭勒" not in str(found)  # nothing about the other county's household is shown


def test_unknown_village(world, run):
    content = households_file(world, households=[household_row(world.village, "003", 行政村代码="632821999999")])
    assert_refused_row(world, run, content, [
        ("贫困户", 4, "行政村代码", "632821999999", "行政村代码 632821999999 不存在")])


def test_unknown_township(world, run):
    content = households_file(world, households=[household_row(world.village, "003", **{"乡镇（街道）": "不存在镇"})])
    assert_refused_row(world, run, content, [("贫困户", 4, "乡镇（街道）", "不存在镇", "“不存在镇”不存在")])


def test_village_of_another_township(world, run):
    content = households_file(world, households=[household_row(world.village, "003", **{"乡镇（街道）": "茶卡镇"})])
    assert_refused_row(world, run, content, [("贫困户", 4, "乡镇（街道）", "茶卡镇", "属于希里沟镇，不属于茶卡镇")])


def test_coded_value_not_in_the_list(world, run):
    content = households_file(world, households=[household_row(world.village, "003", 主要致贫原因="因懒")])
    assert_refused_row(world, run, content, [("贫困户", 4, "主要致贫原因", "因懒", "“因懒”不在可选值中")])


def test_empty_required_cell(world, run):
    content = households_file(world, households=[household_row(world.village, "003", 户主姓名="")])
    assert_refused_row(world, run, content, [("贫困户", 4, "户主姓名", "", "此项必填")])


def test_impossible_date(world, run):
    content = households_file(world, members=[
        member_row(world.village, "001", "张小三", rid(5, birth=datetime.date(2005, 2, 1)), 与户主关系="子女",
                   出生日期="2005-02-30")])
    assert_refused_row(world, run, content, [("家庭成员", 4, "出生日期", "2005-02-30", "日期“2005-02-30”不存在")])


def test_member_without_a_household(world, run):
    content = households_file(world, members=[member_row(world.village, "404", "无户人", rid(6))])
    assert_refused_row(world, run, content, [
        ("家庭成员", 4, "户编号", "404", "贫困户 希里演示01村（632821101001）404 不存在")])


def test_member_of_a_household_row_with_errors(world, run):
    content = households_file(world, households=[household_row(world.village, "003", 状态="")],
                              members=[member_row(world.village, "003", "王三", rid(7))])
    assert_refused_row(world, run, content, [("贫困户", 4, "状态", "", "此项必填"),
                                             ("家庭成员", 4, "户编号", "003", "该户在“贫困户”工作表第 4 行有错误")])


def test_model_rule_exited_household_without_exit_year(world, run):
    content = households_file(world, households=[household_row(world.village, "003", 状态="已脱贫")])
    assert_refused_row(world, run, content, [("贫困户", 4, "脱贫年度", "", "已脱贫的贫困户须填写脱贫年度")])


def test_sex_that_contradicts_the_id(world, run):
    content = households_file(world, members=[member_row(world.village, "001", "张小三", rid(8), 与户主关系="子女",
                                                         性别="女")])
    assert_refused_row(world, run, content, [("家庭成员", 4, "性别", "女", "性别与身份证号码第17位不一致")])


def test_template_example_row_is_skipped_and_an_edited_one_is_data(world, run):
    from imports.resources import HouseholdResource, MemberResource

    content = households_file(world, households=[dict(HouseholdResource.example)],
                              members=[dict(MemberResource.example)])
    report = run("households", content, world.staff, commit=False)
    assert report.ok and report.changes == 4
    assert [(r.sheet, r.row) for r in report.rows if r.action == "example"] == [("贫困户", 4), ("家庭成员", 4)]
    edited = dict(HouseholdResource.example, 户主姓名="王五")  # no longer the example: checked as a household
    content = households_file(world, households=[edited])
    assert_refused_row(world, run, content, [("贫困户", 4, "行政村代码", "632821100200", "")])


# measures: amounts and dates


def measure_rows(world, **overrides):
    good = {"行政村代码": world.village.code, "户编号": "", "类别": "发展产业", "措施内容": "修建牛棚", "状态": "计划",
            "金额（元）": "3000", "计划日期": "2016-04-01"}
    return [good, {**good, "措施内容": "第二项", **overrides}]


def test_negative_amount(world, run):
    content = xlsx({"帮扶措施": measure_rows(world, **{"金额（元）": "-50"})})
    assert_refused_row(world, run, content, [("帮扶措施", 3, "金额（元）", "-50", "金额不能为负数")], kind="measures")


def test_non_numeric_amount(world, run):
    content = xlsx({"帮扶措施": measure_rows(world, **{"金额（元）": "五千"})})
    assert_refused_row(world, run, content, [("帮扶措施", 3, "金额（元）", "五千", "“五千”不是数字")], kind="measures")


def test_amount_over_the_ceiling(world, run):
    content = xlsx({"帮扶措施": measure_rows(world, **{"金额（元）": "20000000"})})
    assert_refused_row(world, run, content, [("帮扶措施", 3, "金额（元）", "20000000", "金额超过上限")],
                       kind="measures")


def test_impossible_measure_date(world, run):
    content = xlsx({"帮扶措施": measure_rows(world, 计划日期="2016-13-01")})
    assert_refused_row(world, run, content, [("帮扶措施", 3, "计划日期", "2016-13-01", "不存在")], kind="measures")


def test_text_that_is_no_date(world, run):
    content = xlsx({"帮扶措施": measure_rows(world, 计划日期="明年春天")})
    assert_refused_row(world, run, content, [("帮扶措施", 3, "计划日期", "明年春天", "不是日期")], kind="measures")


# ------------------------------------------------------------------------------------------ headers


def test_wrong_header(world, run):
    rows = [{**household_row(world.village, "001"), "户主名": "张三"}]
    rows[0].pop("户主姓名")
    found = assert_refused_row(world, run, xlsx({"贫困户": rows}), [
        ("贫困户", 1, "R", "户主名", "无法识别的列“户主名”"), ("贫困户", 1, "户主姓名", "", "缺少必填的列“户主姓名”")])
    assert len(found) == 2


def test_missing_header(world, run):
    rows = [household_row(world.village, "001")]
    rows[0].pop("户编号")
    assert_refused_row(world, run, xlsx({"贫困户": rows}), [("贫困户", 1, "户编号", "", "缺少必填的列“户编号”")])


def test_repeated_header(world, run):
    headers = [*HOUSEHOLD_HEADERS, "户编号"]
    values = [[*household_row(world.village, "001").values(), "001"]]
    assert_refused_row(world, run, xlsx({"贫困户": (headers, values)}),
                       [("贫困户", 1, "户编号", "户编号", "出现了两次")])


def test_data_under_no_header(world, run):
    values = [[*household_row(world.village, "001").values(), "", "多出来的"]]
    assert_refused_row(world, run, xlsx({"贫困户": (HOUSEHOLD_HEADERS, values)}),
                       [("贫困户", 2, "T", "", "有数据但没有表头")])


# ------------------------------------------------------------------------------------------ files refused whole


def refused(world, run, content: bytes, name: str, fragment: str, kind="households"):
    before = fingerprint()
    with pytest.raises(FileRefused) as exc:
        run(kind, content, world.staff, name=name)
    assert fragment in exc.value.message
    assert fingerprint() == before


def test_not_a_spreadsheet(world, run):
    refused(world, run, b"%PDF-1.4 not a table", "registry.pdf", "只能导入 .xlsx 或 .csv 文件")


def test_not_a_spreadsheet_with_a_spreadsheet_name(world, run):
    refused(world, run, b"%PDF-1.4 not a table", "registry.xlsx", "不是有效的 Excel（.xlsx）文件")


def test_a_zip_that_is_no_workbook(world, run):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    refused(world, run, out.getvalue(), "registry.xlsx", "不是 Excel 工作簿")


def test_a_zip_bomb_is_refused_before_it_is_inflated(world, run):
    """A small .xlsx whose sheet inflates past MAX_UNZIPPED_BYTES (a zip bomb) is refused from its directory."""
    from imports.services import MAX_UNZIPPED_BYTES

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 1):
                sheet.write(chunk)
    assert len(out.getvalue()) < 1024 * 1024  # small on the wire
    refused(world, run, out.getvalue(), "registry.xlsx", "文件解压后过大")


def test_corrupt_workbook(world, run):
    content = households_file(world)
    refused(world, run, content[: len(content) // 2], "registry.xlsx", "不是有效的 Excel（.xlsx）文件，可能已损坏")


def test_corrupt_workbook_parts(world, run):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>not really")
        archive.writestr("[Content_Types].xml", "<Types/>")
    refused(world, run, out.getvalue(), "registry.xlsx", "文件已损坏")


def test_old_excel_format(world, run):
    refused(world, run, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "registry.xls", "旧版 Excel（.xls）")


def test_binary_csv(world, run):
    refused(world, run, b"\x00\x01\x02garbage", "registry.csv", "不是 CSV 文本文件")


def test_undecodable_csv(world, run):
    refused(world, run, b"\xff\xff\xff,\xff\n", "registry.csv", "不是 UTF-8 或 GBK 编码")


def test_empty_file(world, run):
    refused(world, run, b"", "registry.xlsx", "文件是空的")


def test_file_with_headers_only(world, run):
    refused(world, run, xlsx({"贫困户": (HOUSEHOLD_HEADERS, [])}), "registry.xlsx", "没有数据行")


def test_empty_workbook(world, run):
    refused(world, run, xlsx({"Sheet1": ([], [])}), "registry.xlsx", "没有“贫困户”表")


def test_file_larger_than_the_limit(world, run, monkeypatch):
    monkeypatch.setattr("imports.services.MAX_UPLOAD_BYTES", 4096)
    content = households_file(world, households=[household_row(world.village, f"{n:03d}") for n in range(3, 60)])
    assert len(content) > 4096
    refused(world, run, content, "registry.xlsx", "超过上限 0 MB")


def test_too_many_rows(world, run, monkeypatch):
    monkeypatch.setattr("imports.services.MAX_ROWS", 3)
    refused(world, run, households_file(world), "registry.xlsx", "超过 3 行数据")


def test_limits_are_documented():
    from imports import services as imports

    assert imports.MAX_UPLOAD_BYTES == 10 * 1024 * 1024 and imports.MAX_ROWS == 30_000
    assert "10 MB" in imports.__doc__ and "30,000" in imports.__doc__


def test_csv_in_gbk_is_read(world, run):
    content = csv_bytes([household_row(world.village, "001")], encoding="gbk")
    report = run("households", content, world.staff, name="registry.csv")
    assert report.committed and report.counts["贫困户"]["new"] == 1
