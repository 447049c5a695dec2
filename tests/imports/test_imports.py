"""The import service: natural keys, round trip, corrections in place, scope, every kind, all-or-nothing."""

import datetime
import io
import time
from decimal import Decimal

import openpyxl
import pytest
import tablib
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cadres.models import AttendanceReport
from households.models import HelperStaff, Household, Measure, Member, Pairing, StatusChange
from imports.resources import KINDS, HouseholdResource, MemberResource
from imports.services import MAX_ROWS, template_workbook
from povertyboard.resident_ids import SEX_FEMALE
from tests.factories import (
    make_attendance_report,
    make_helper_staff,
    make_household,
    make_measure,
    make_member,
    make_pairing,
    make_period,
)
from tests.support import fingerprint

from .conftest import csv_bytes, household_row, member_row, problems_of, rid, xlsx

pytestmark = pytest.mark.django_db


def registry_file(world, heads=("张三", "李二"), **household_overrides):
    v = world.village
    households = [household_row(v, f"{n:03d}", head=head, **household_overrides) for n, head in enumerate(heads, 1)]
    members = [member_row(v, f"{n:03d}", head, rid(n)) for n, head in enumerate(heads, 1)]
    members.append(member_row(v, "001", "张小妹", rid(9, birth=datetime.date(2008, 6, 1), sex=SEX_FEMALE),
                              与户主关系="子女", 文化程度="小学", 劳动技能="无劳动力", 在校生="是"))
    return xlsx({"贫困户": households, "家庭成员": members})


def test_import_writes_households_and_members_with_their_history(world, run):
    report = run("households", registry_file(world), world.staff)
    assert report.committed and report.ok
    assert report.counts == {"贫困户": {"new": 2, "update": 0, "skip": 0, "invalid": 0},
                             "家庭成员": {"new": 3, "update": 0, "skip": 0, "invalid": 0}}
    household = Household.objects.get(village=world.village, number="001")
    assert (household.head_name, household.primary_cause, household.status, household.aspiration) == (
        "张三", "illness", "assisted", "industry")
    assert household.has_dangerous_house and not household.is_dibao and not household.is_demo
    girl = Member.objects.get(name="张小妹")
    assert girl.household == household and girl.sex == SEX_FEMALE and girl.birth_date == datetime.date(2008, 6, 1)
    assert (girl.relation, girl.education, girl.labour, girl.is_student) == ("child", "primary", "none", True)
    change = StatusChange.objects.get(household=household)
    assert (change.from_status, change.to_status, change.date) == ("", "assisted", timezone.localdate())
    entries = LogEntry.objects.get_for_object(household)
    assert entries.count() == 1 and entries.get().actor == world.staff
    assert report.village_codes == {world.village.code}


def test_preview_writes_nothing_and_reports_every_row(world, run):
    before = fingerprint()
    report = run("households", registry_file(world), world.staff, commit=False)
    assert report.ok and not report.committed and report.changes == 5
    assert [(r.sheet, r.row, r.action) for r in report.rows] == [
        ("贫困户", 2, "new"), ("贫困户", 3, "new"), ("家庭成员", 2, "new"), ("家庭成员", 3, "new"),
        ("家庭成员", 4, "new")]
    assert fingerprint() == before


def test_reimporting_the_same_file_changes_nothing(world, run):
    content = registry_file(world)
    run("households", content, world.staff)
    before = fingerprint()
    report = run("households", content, world.staff)
    assert report.committed and report.changes == 0
    assert {r.action for r in report.rows} == {"skip"}
    assert fingerprint() == before


def test_a_corrected_file_updates_in_place(world, run):
    run("households", registry_file(world), world.staff)
    ids = set(Household.objects.values_list("pk", flat=True))
    corrected = registry_file(world, heads=("张叁", "李二"), 联系电话="13812345678")
    before = fingerprint()
    report = run("households", corrected, world.staff)
    assert report.committed
    assert report.counts["贫困户"] == {"new": 0, "update": 2, "skip": 0, "invalid": 0}
    assert report.counts["家庭成员"] == {"new": 0, "update": 1, "skip": 2, "invalid": 0}
    assert set(Household.objects.values_list("pk", flat=True)) == ids
    assert Household.objects.get(number="001").head_name == "张叁"
    assert set(Household.objects.values_list("phone", flat=True)) == {"13812345678"}
    assert Member.objects.get(id_number=rid(1)).name == "张叁"
    after = fingerprint()
    assert {k: after[k] - before[k] for k in after} == {k: 3 if k == "LogEntry" else 0 for k in after}


def test_a_status_change_is_recorded(world, run):
    run("households", registry_file(world), world.staff)
    run("households", registry_file(world, 状态="已脱贫", 脱贫年度=2016), world.staff)
    change = StatusChange.objects.filter(household__number="001").latest("pk")
    assert (change.from_status, change.to_status) == ("assisted", "exited")


def test_round_trip_export_then_import_changes_nothing(world, run):
    """Households and members exported through the resources (as an administrator) re-import unchanged."""
    households = [
        make_household(world.village, number="A-1", head_name="马一", secondary_cause="skills", aspiration="medical",
                       status="exited", exit_year=2016, is_dibao=True, phone="0977-1234567", group_no=3),
        make_household(world.other, number="A-2", head_name="马二", is_wubao=True, is_relocated=True,
                       planned_exit_year=None),
    ]
    for household in households:
        make_member(household, name=household.head_name)
        make_member(household, sex=SEX_FEMALE, relation="spouse", education="none", health="chronic", labour="weak",
                    is_student=False, phone="139")
    make_member(households[0], birth=datetime.date(2006, 9, 9), relation="child", education="primary",
                is_student=True, labour="none")
    rows = Household.objects.select_related("village__township")
    people = Member.objects.select_related("household__village")
    book = tablib.Databook()
    for title, dataset in (("贫困户", HouseholdResource(user=world.admin).export(rows)),
                           ("家庭成员", MemberResource(user=world.admin).export(people))):
        dataset.title = title
        book.add_sheet(dataset)
    before = fingerprint()
    report = run("households", book.export("xlsx"), world.admin)
    assert report.ok, problems_of(report)
    assert [r.action for r in report.rows] == ["skip"] * 7
    assert fingerprint() == before


def test_exports_mask_resident_ids_for_everyone_but_administrators(world):
    member = make_member(make_household(world.village))
    masked = MemberResource(user=world.staff).export(Member.objects.all())
    whole = MemberResource(user=world.admin).export(Member.objects.all())
    assert masked.dict[0]["身份证号码"] == f"{member.id_number[:6]}********{member.id_number[14:]}"
    assert whole.dict[0]["身份证号码"] == member.id_number


def test_csv_import(world, run):
    content = csv_bytes([household_row(world.village, "001"), household_row(world.village, "002")])
    report = run("households", content, world.staff, name="registry.csv")
    assert report.committed and Household.objects.count() == 2


def test_members_alone(world, run):
    household = make_household(world.village, number="001")
    content = xlsx({"家庭成员": [member_row(world.village, "001", "张三", rid(1))]})
    report = run("members", content, world.staff)
    assert report.committed and Member.objects.get().household == household


def test_a_member_cannot_move_to_another_household_by_import(world, run):
    first = make_household(world.village, number="001")
    make_household(world.village, number="002")
    member = make_member(first)
    content = xlsx({"家庭成员": [member_row(world.village, "002", member.name, member.id_number)]})
    before = fingerprint()
    report = run("members", content, world.staff)
    assert problems_of(report)[0][2:4] == ("身份证号码", member.id_number)
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ scope


def test_rows_of_another_county_are_errors_naming_the_row(world, run):
    content = xlsx({"贫困户": [household_row(world.village, "001"), household_row(world.foreign, "002")]})
    before = fingerprint()
    report = run("households", content, world.staff)
    assert problems_of(report) == [("贫困户", 3, "行政村代码", world.foreign.code,
                                    f"行政村 {world.foreign.code}（格尔木市）不在您的辖区，不能导入。")]
    assert fingerprint() == before


def test_each_county_imports_into_its_own_area_and_the_administrator_anywhere(world, run):
    assert run("households", xlsx({"贫困户": [household_row(world.foreign, "001")]}), world.golmud_staff).committed
    both = xlsx({"贫困户": [household_row(world.village, "001"), household_row(world.foreign, "002")]})
    assert run("households", both, world.admin).committed
    assert Household.objects.count() == 3


@pytest.mark.parametrize("role", ["cadre_user", "supervisor"])
def test_cadres_and_supervisors_may_not_import(world, run, role):
    before = fingerprint()
    with pytest.raises(PermissionDenied):
        run("households", registry_file(world), getattr(world, role))
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ measures


def measure_row(world, **overrides):
    row = {"行政村代码": world.village.code, "户编号": "001", "类别": "发展产业", "措施内容": "扶持养羊",
           "状态": "已实施", "金额（元）": "5,000", "责任人": "李四", "计划日期": "2016-03-01",
           "实施日期": "2016-05-20", "实施佐证": "签收单 018", "取消原因": ""}
    row.update(overrides)
    return row


def test_measures_are_created_matched_and_updated_with_a_new_version(world, run):
    household = make_household(world.village, number="001")
    road = measure_row(world, 户编号="", 措施内容="硬化村道", 类别="交通", 状态="计划", 实施日期="", 实施佐证="",
                       **{"金额（元）": ""})
    content = xlsx({"帮扶措施": [measure_row(world), road]})
    assert run("measures", content, world.staff).committed
    sheep = Measure.objects.get(title="扶持养羊")
    assert (sheep.household, sheep.status, sheep.amount, sheep.responsible) == (
        household, "implemented", Decimal("5000.00"), world.cadre)
    road = Measure.objects.get(title="硬化村道")
    assert road.household is None and road.amount == Decimal("0.00") and road.category == "transport"
    assert run("measures", content, world.staff).changes == 0
    changed = xlsx({"帮扶措施": [measure_row(world, **{"金额（元）": "5200.5"})]})
    assert run("measures", changed, world.staff).committed
    sheep.refresh_from_db()
    assert (sheep.amount, sheep.version) == (Decimal("5200.50"), 2)
    assert Measure.objects.count() == 2


def test_measure_rules(world, run):
    make_household(world.village, number="001")
    cancelled = make_measure(world.village, title="已取消的", status="cancelled", cancel_reason="重复")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    content = xlsx({"帮扶措施": [
        measure_row(world, 实施日期=tomorrow),
        measure_row(world, 措施内容="没有日期", 实施日期=""),
        measure_row(world, 户编号="", 措施内容="已取消的", 类别="发展产业", 状态="已取消", 取消原因="重复",
                    实施日期="", **{"金额（元）": "1"}),
        measure_row(world, 措施内容="无此人", 责任人="王不在"),
    ]})
    assert cancelled.category == "industry"
    before = fingerprint()
    found = {(p[1], p[2], p[4]) for p in problems_of(run("measures", content, world.staff))}
    assert found == {
        (2, "实施日期", "实施日期不能晚于今天。"),
        (3, "实施日期", "已实施的措施须填写实施日期。"),
        (4, "状态", "已取消的措施不能再修改。"),
        (5, "责任人", "本县（市）没有名为“王不在”的干部。"),
    }
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ attendance


def attendance_row(**overrides):
    row = {"干部姓名": "李四", "干部联系电话": "", "月份": "2016-05", "应驻村天数": "", "实际驻村天数": 22,
           "请假天数": 1, "报备外出天数": 2, "未报备离岗天数": 0}
    row.update(overrides)
    return row


def test_attendance_reports_by_cadre_and_month(world, run):
    make_period(world.wulan, required_days_per_month=22, start_date=datetime.date(2016, 1, 1),
                end_date=datetime.date(2016, 12, 31))
    content = xlsx({"考勤月报": [attendance_row(), attendance_row(月份="2016年6月", 应驻村天数=18)]})
    assert run("attendance", content, world.staff).committed
    may = AttendanceReport.objects.get(cadre=world.cadre, month=datetime.date(2016, 5, 1))
    assert (may.required_days, may.days_present, may.leave_days, may.reported_outings) == (22, 22, 1, 2)
    assert may.submitted_at is not None and not may.locked
    assert AttendanceReport.objects.get(month=datetime.date(2016, 6, 1)).required_days == 18
    assert run("attendance", content, world.staff).changes == 0
    assert run("attendance", xlsx({"考勤月报": [attendance_row(实际驻村天数=20)]}), world.staff).changes == 1
    may.refresh_from_db()
    assert may.days_present == 20 and AttendanceReport.objects.count() == 2


def test_attendance_rules(world, run):
    make_attendance_report(world.cadre, month=datetime.date(2016, 4, 1), locked=True)
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    content = xlsx({"考勤月报": [
        attendance_row(月份="2016-04", 实际驻村天数=10),
        attendance_row(月份=next_month),
        attendance_row(干部姓名="赵六"),
        attendance_row(干部姓名="无名氏"),
        attendance_row(月份="2016-02", 实际驻村天数=28, 请假天数=2),
        attendance_row(干部联系电话="13000000000", 月份="2016-07"),
    ]})
    before = fingerprint()
    found = {(p[1], p[2], p[4]) for p in problems_of(run("attendance", content, world.staff))}
    assert found == {
        (2, "月份", "2016-04 的考勤月报已锁定，不能通过导入修改。"),
        (3, "月份", "不能填报未来月份的考勤。"),
        (4, "干部姓名", "本县（市）没有名为“赵六”的干部。"),  # another county's cadre: as if there were none
        (5, "干部姓名", "本县（市）没有名为“无名氏”的干部。"),
        (6, "实际驻村天数", "驻村、请假、外出与离岗天数合计 32 天，超过本月 29 天。"),
        (7, "干部姓名", "干部“李四”的联系电话不是 13000000000。"),
    }
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ pairings


def pairing_row(world, **overrides):
    row = {"行政村代码": world.village.code, "户编号": "001", "帮扶单位": "乌兰县农牧局", "帮扶责任人": "王五",
           "帮扶责任人联系电话": "137", "结对日期": "2016-03-01", "结束日期": ""}
    row.update(overrides)
    return row


def test_pairings_create_their_new_helpers_once(world, run):
    first = make_household(world.village, number="001")
    second = make_household(world.village, number="002")
    content = xlsx({"结对帮扶": [pairing_row(world), pairing_row(world, 户编号="002")]})
    assert run("pairings", content, world.staff).committed
    helper = HelperStaff.objects.get(name="王五")
    assert (helper.unit, helper.phone) == (world.unit, "137")
    assert set(Pairing.objects.values_list("household", "helper")) == {(first.pk, helper.pk), (second.pk, helper.pk)}
    assert run("pairings", content, world.staff).changes == 0
    ended = xlsx({"结对帮扶": [pairing_row(world, 结束日期="2017-12-31")]})
    assert run("pairings", ended, world.staff).changes == 1
    assert Pairing.objects.get(household=first).end_date == datetime.date(2017, 12, 31)
    assert Pairing.objects.count() == 2 and HelperStaff.objects.count() == 1


def test_pairing_rules(world, run):
    make_household(world.village, number="001")
    make_pairing(make_household(world.village, number="002"), make_helper_staff(world.unit, name="王五"))
    make_helper_staff(world.unit, name="王五")
    content = xlsx({"结对帮扶": [
        pairing_row(world, 帮扶单位="不存在局"),
        pairing_row(world, 帮扶责任人="钱七", 结束日期="2015-01-01"),
        pairing_row(world, **{"帮扶责任人联系电话": ""}),
    ]})
    before = fingerprint()
    found = {(p[1], p[2], p[4]) for p in problems_of(run("pairings", content, world.staff))}
    assert found == {
        (2, "帮扶单位", "本县（市）没有名为“不存在局”的帮扶单位。"),
        (3, "结束日期", "结束日期不能早于结对日期。"),
        (4, "帮扶责任人", "乌兰县农牧局有 2 名帮扶责任人叫“王五”，请填写联系电话以区分。"),
    }
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ all or nothing


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_an_import_interrupted_halfway_leaves_the_database_as_it_was(world, run, monkeypatch):
    make_household(world.village, number="001", head_name="原户主")
    seen = []
    original = HouseholdResource.after_write

    def write_then_die(self, pending):
        original(self, pending)
        seen.append((Household.objects.count(), Household.objects.get(number="001").head_name))
        raise Killed

    monkeypatch.setattr(HouseholdResource, "after_write", write_then_die)
    content = xlsx({"贫困户": [household_row(world.village, f"{n:03d}") for n in range(1, 6)]})
    before = fingerprint()
    with pytest.raises(Killed):
        run("households", content, world.staff)
    assert seen == [(5, "张三")]  # the rows were written inside the transaction…
    assert fingerprint() == before  # …and none stayed
    assert Household.objects.get().head_name == "原户主"


def test_one_bad_row_keeps_every_good_row_out(world, run):
    rows = [household_row(world.village, f"{n:03d}") for n in range(1, 30)]
    rows.append(household_row(world.village, "030", 识别年度="二〇一五"))
    before = fingerprint()
    report = run("households", xlsx({"贫困户": rows}), world.staff)
    assert problems_of(report) == [("贫困户", 31, "识别年度", "二〇一五", "“二〇一五”不是整数。")]
    assert report.counts["贫困户"] == {"new": 29, "update": 0, "skip": 0, "invalid": 1}
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ templates


@pytest.mark.parametrize("kind", [*KINDS, "crosscheck"])
def test_templates_have_chinese_headers_an_example_row_and_the_allowed_values(kind):
    book = openpyxl.load_workbook(io.BytesIO(template_workbook(kind)))
    resources = KINDS.get(kind, ())
    sheets = [r.sheet for r in resources] or ["名单"]
    assert book.sheetnames[:len(sheets)] == sheets and book.sheetnames[-1] == "说明"
    for resource, sheet in zip(resources, sheets, strict=False):
        headers = [c.value for c in book[sheet][1]]
        assert headers == [f.column_name for f in resource().get_import_fields()]
        example = [resource.example.get(h, "") for h in headers]
        assert [c.value for c in book[sheet][2]] == [None if v == "" else v for v in example]
    if kind == "households":
        options = {col[0].value: [c.value for c in col[1:] if c.value] for col in book["可选值"].iter_cols()}
        assert options["主要致贫原因"] == ["因病", "因残", "因学", "因灾", "缺土地", "缺水", "缺技术", "缺劳力",
                                     "缺资金", "交通条件落后", "自身发展动力不足"]
        assert options["状态"] == ["已识别", "帮扶中", "已脱贫", "返贫", "监测（易返贫）"]
        assert options["低保户"] == ["是", "否"]
        assert book["贫困户"].data_validations.dataValidation
        assert book["家庭成员"]["D3"].number_format == "@"  # resident IDs are text


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_template_uploaded_untouched_skips_its_example_row(world, run, kind):
    before = fingerprint()
    report = run(kind, template_workbook(kind), world.staff)
    assert report.ok and report.changes == 0
    assert [(r.sheet, r.row, r.action) for r in report.rows] == [(r.sheet, 2, "example") for r in KINDS[kind]]
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ size


def registry(world, households: int, people: int) -> bytes:
    sizes = [people // households + (1 if n < people % households else 0) for n in range(households)]
    household_rows, member_rows, n = [], [], 0
    for h, size in enumerate(sizes, start=1):
        number = f"{h:05d}"
        household_rows.append(household_row(world.village, number, head=f"户主{h}"))
        for m in range(size):
            n += 1
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 400)  # rid() repeats after 500
            member_rows.append(member_row(world.village, number, f"成员{n}", rid(n, birth=birth),
                                          与户主关系="户主" if m == 0 else "子女"))
    return xlsx({"贫困户": household_rows, "家庭成员": member_rows})


def test_5000_households_with_17000_members_import_in_one_go(world, run):
    """The issue's size, in the suite (about 30 s on SQLite); bench/bench_import.py reports its speed and memory
    against a raw bulk_create (bench/RESULTS.md)."""
    content = registry(world, 5000, 17000)
    start = time.perf_counter()
    report = run("households", content, world.staff)
    seconds = time.perf_counter() - start
    assert report.committed and report.changes == 22000, problems_of(report)[:5]
    assert Household.objects.count() == 5000 and Member.objects.count() == 17000
    print(f"5,000 households + 17,000 members imported in {seconds:.1f} s ({22000 / seconds:,.0f} rows/s)")
    assert 22000 < MAX_ROWS
