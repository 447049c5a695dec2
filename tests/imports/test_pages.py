"""The staff pages: template → upload → preview with errors → fixed file → confirm → households on the village page;
the department list → flagged households → a recorded decision."""

import datetime
import io
import re

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import CrossCheckFlag, Household
from povertyboard.resident_ids import mask_resident_id
from tests.factories import make_crosscheck_flag, make_household, make_member
from tests.support import fingerprint

from .conftest import bad_checksum, csv_bytes, household_row, member_row, rid, stored_files, token_of, upload, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def registry(world, head_of_002="李二"):
    v = world.village
    return xlsx({
        "贫困户": [household_row(v, "001"), household_row(v, "002", head=head_of_002)],
        "家庭成员": [member_row(v, "001", "张三", rid(1)), member_row(v, "002", head_of_002 or "李二", rid(2))],
    })


def test_staff_import_a_registry_and_see_it_on_the_village_page(client, world, media):
    client.force_login(world.staff)
    index = client.get(reverse("imports:index"))
    assert index.status_code == 200
    assert reverse("imports:template", args=["households"]) in index.content.decode()

    template = client.get(reverse("imports:template", args=["households"]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in template["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames[:2] == ["贫困户", "家庭成员"]

    before = fingerprint()
    bad = upload(client, "households", registry(world, head_of_002=""))
    page = bad.content.decode()
    assert bad.status_code == 200 and "没有写入任何数据" in page
    assert re.search(r'data-row="3" data-column="户主姓名">\s*<td>贫困户</td><td class="num">3</td>\s*<td>户主姓名</td>'
                     r'<td class="font-monospace wrap">—</td><td class="wrap">此项必填。</td>', page)
    assert 'name="token"' not in page
    assert fingerprint() == before and stored_files(media) == []

    good = upload(client, "households", registry(world))
    assert good.status_code == 200 and "检查通过" in good.content.decode()
    assert good.content.decode().count("badge text-bg-success") == 4  # four rows to create
    assert fingerprint() == before and len(stored_files(media)) == 2  # the file and its metadata

    done = client.post(reverse("imports:confirm", args=["households"]), {"token": token_of(good)})
    assert done.status_code == 200
    assert reverse("areas:village", args=[world.village.code]) in done.content.decode()
    assert Household.objects.filter(village=world.village).count() == 2 and stored_files(media) == []

    village_page = client.get(reverse("areas:village", args=[world.village.code])).content.decode()
    assert re.search(r'data-figure="identified-households" href="[^"]*"[^>]*>2</a>', village_page)
    listing = client.get(reverse("households:list"), {"village": world.village.code}).content.decode()
    assert "张三" in listing and "李二" in listing


def test_a_confirmation_is_used_once_and_only_by_its_uploader(client, world, media):
    client.force_login(world.staff)
    token = token_of(upload(client, "households", registry(world)))
    client.force_login(world.golmud_staff)
    stolen = client.post(reverse("imports:confirm", args=["households"]), {"token": token}, follow=True)
    assert "上传的文件已失效" in stolen.content.decode() and Household.objects.count() == 0
    client.force_login(world.staff)
    for forged in ("../../etc/passwd", "", "x" * 30):
        response = client.post(reverse("imports:confirm", args=["households"]), {"token": forged})
        assert response.status_code == 302 and Household.objects.count() == 0
    wrong_kind = client.post(reverse("imports:confirm", args=["members"]), {"token": token}, follow=True)
    assert "不是这一类导入的文件" in wrong_kind.content.decode() and Household.objects.count() == 0
    assert client.post(reverse("imports:confirm", args=["households"]), {"token": token}).status_code == 200
    again = client.post(reverse("imports:confirm", args=["households"]), {"token": token})
    assert again.status_code == 302 and again["Location"] == reverse("imports:upload", args=["households"])
    assert Household.objects.count() == 2


def test_confirm_checks_the_file_again(client, world):
    """A member registered elsewhere between the preview and the confirmation: nothing is written."""
    client.force_login(world.staff)
    token = token_of(upload(client, "households", registry(world)))
    elsewhere = make_household(world.other, number="900")
    make_member(elsewhere, id_number=rid(2), birth=datetime.date(1975, 3, 8))
    before = fingerprint()
    response = client.post(reverse("imports:confirm", args=["households"]), {"token": token})
    assert response.status_code == 400 and "已登记在茶卡演示01村 900 户" in response.content.decode()
    assert fingerprint() == before


def test_a_refused_file_is_an_error_of_the_form(client, world, media):
    client.force_login(world.staff)
    response = upload(client, "households", b"%PDF-1.4", name="scan.pdf")
    assert response.status_code == 400 and "只能导入 .xlsx 或 .csv 文件" in response.content.decode()
    assert stored_files(media) == []


def test_nothing_to_change_offers_no_confirmation(client, world):
    client.force_login(world.staff)
    client.post(reverse("imports:confirm", args=["households"]),
                {"token": token_of(upload(client, "households", registry(world)))})
    response = upload(client, "households", registry(world))
    assert "没有需要导入的变化" in response.content.decode() and 'name="token"' not in response.content.decode()


@pytest.mark.parametrize("role", ["cadre_user", "supervisor"])
def test_cadres_and_supervisors_are_refused(client, world, role):
    client.force_login(getattr(world, role))
    for name, args in (("imports:index", []), ("imports:upload", ["households"]), ("imports:flags", []),
                       ("imports:crosscheck", [])):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert upload(client, "households", registry(world)).status_code == 403
    assert Household.objects.count() == 0
    assert "数据导入" not in client.get(reverse("households:list")).content.decode()


def test_the_nav_links_the_import_pages_for_staff(client, world):
    client.force_login(world.staff)
    assert f'href="{reverse("imports:index")}"' in client.get(reverse("households:list")).content.decode()


# ------------------------------------------------------------------------------------------ department lists


@pytest.fixture
def registered(world):
    first = make_household(world.village, number="001", head_name="张三")
    second = make_household(world.other, number="002", head_name="李二")
    foreign = make_household(world.foreign, number="003", head_name="赵五")
    return {
        "first": first, "second": second, "foreign": foreign,
        "first_ids": [make_member(first).id_number, make_member(first, relation="spouse").id_number],
        "second_id": make_member(second).id_number,
        "foreign_id": make_member(foreign).id_number,
    }


def department_list(ids) -> bytes:
    return xlsx({"名单": [{"身份证号码": i, "姓名": "", "备注": "青H"} for i in ids]})


def load_list(client, content, name="vehicles.xlsx", **fields):
    data = {"source": "车管所", "label": "车辆所有人", "list_date": "2016-06-30", **fields,
            "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("imports:crosscheck"), data)


def test_a_department_list_flags_households_for_review(client, world, registered):
    client.force_login(world.staff)
    ids = [*registered["first_ids"], registered["second_id"], registered["foreign_id"], rid(77),
           registered["second_id"]]
    before = fingerprint()
    preview = load_list(client, department_list(ids))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "名单共 5 个身份证号码（另有 1 行重复，只算一次）；您辖区有 2 户、3 人在名单中" in page
    assert mask_resident_id(registered["second_id"]) in page and registered["second_id"] not in page
    assert "赵五" not in page  # another county's household is neither shown nor flagged
    assert fingerprint() == before

    done = client.post(reverse("imports:crosscheck_confirm"), {"token": token_of(preview)}, follow=True)
    assert "新标记 2 户待核查" in done.content.decode()
    flags = {f.household: f for f in CrossCheckFlag.objects.all()}
    assert set(flags) == {registered["first"], registered["second"]}
    first = flags[registered["first"]]
    assert (first.source, first.label, first.list_date, first.status, first.created_by) == (
        "车管所", "车辆所有人", datetime.date(2016, 6, 30), "open", world.staff)
    assert first.matched_id_list == sorted(registered["first_ids"])

    household_page = client.get(reverse("households:detail", args=[registered["first"].pk])).content.decode()
    assert "部门数据比对" in household_page and "车管所" in household_page and "待核查" in household_page
    assert mask_resident_id(registered["first_ids"][0]) in household_page
    assert registered["first_ids"][0] not in household_page

    dashboard = client.get(reverse("areas:county", args=[world.wulan.code])).content.decode()
    assert re.search(r'data-crosscheck-open="2" href="/imports/flags/\?county=632821">\s*部门数据比对：2 户待核查',
                     dashboard)
    listing = client.get(reverse("imports:flags"), {"county": "632821"}).content.decode()
    assert "张三" in listing and "李二" in listing

    again = load_list(client, department_list(ids))
    assert again.content.decode().count("已标记，不变") == 2
    client.post(reverse("imports:crosscheck_confirm"), {"token": token_of(again)})
    assert CrossCheckFlag.objects.count() == 2


def test_a_staff_decision_is_recorded(client, world, registered):
    flag = CrossCheckFlag.objects.create(household=registered["first"], source="房管局", label="商品房所有人",
                                         list_date=datetime.date(2016, 6, 30), matched_ids=registered["first_ids"][0])
    url = reverse("imports:flag", args=[flag.pk])
    client.force_login(world.staff)
    dashboard = reverse("areas:county", args=[world.wulan.code])
    assert "1 户待核查" in client.get(dashboard).content.decode()  # and its figures are now cached
    assert client.get(url).status_code == 200
    refused = client.post(url, {"status": "cleared", "decision_note": "  "})
    assert refused.status_code == 400 and "该字段是必填项" in refused.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open" and flag.decided_by is None

    note = "已入户核实：房产为子女所有，已分户。"
    response = client.post(url, {"status": "cleared", "decision_note": note})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.decided_by, flag.decision_note) == ("cleared", world.staff, note)
    assert flag.decided_at is not None
    entry = LogEntry.objects.get_for_object(flag).latest("timestamp")
    assert entry.actor == world.staff and entry.changes_dict["status"] == ["open", "cleared"]
    assert "已排除" in client.get(reverse("households:detail", args=[registered["first"].pk])).content.decode()
    assert "0 户待核查" in client.get(dashboard).content.decode()

    client.force_login(world.golmud_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "confirmed", "decision_note": "越权"}).status_code == 404


def test_a_department_list_with_a_bad_id_flags_nothing(client, world, registered):
    client.force_login(world.staff)
    wrong = bad_checksum(registered["second_id"])
    response = load_list(client, csv_bytes([{"身份证号码": registered["first_ids"][0]}, {"身份证号码": wrong}]),
                         name="list.csv")
    page = response.content.decode()
    assert "发现 1 个错误，没有标记任何户" in page and 'data-row="3" data-column="身份证号码"' in page
    assert wrong in page and 'name="token"' not in page
    assert CrossCheckFlag.objects.count() == 0


def test_a_department_list_date_cannot_be_in_the_future(client, world, registered):
    client.force_login(world.staff)
    response = load_list(client, department_list(registered["first_ids"]), list_date="2999-01-01")
    assert response.status_code == 400 and "名单日期不能晚于今天" in response.content.decode()


def test_the_dashboard_count_is_for_staff_only(client, world, registered):
    CrossCheckFlag.objects.create(household=registered["first"], source="公安局", label="财政供养人员",
                                  list_date=datetime.date(2016, 6, 30), matched_ids=registered["first_ids"][0])
    client.force_login(world.staff)  # the page's figures are cached after this, its count with them
    assert "data-crosscheck-open" in client.get(reverse("areas:county", args=[world.wulan.code])).content.decode()
    client.force_login(world.supervisor)
    page = client.get(reverse("areas:county", args=[world.wulan.code])).content.decode()
    assert "data-crosscheck-open" not in page
    household_page = client.get(reverse("households:detail", args=[registered["first"].pk])).content.decode()
    assert "公安局" in household_page and reverse("imports:flags") not in household_page


def test_the_flag_list_makes_the_same_number_of_queries_for_3_and_30_flags(client, world):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("imports:flags"), {"status": "all"}).status_code == 200
        return len(ctx)

    client.force_login(world.staff)
    for n in range(3):
        make_crosscheck_flag(make_household(world.village), list_date=datetime.date(2016, 1 + n, 1))
    few = queries()
    for n in range(27):
        flag = make_crosscheck_flag(make_household(world.other), source=f"银行{n % 3}")
        flag.status, flag.decided_by, flag.decision_note = "cleared", world.staff, "核实"
        flag.decided_at = flag.created_at
        flag.save()
    assert queries() == few
