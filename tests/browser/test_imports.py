"""A county staff member imports households from Excel in a real browser: a bad file is previewed with its
errors and writes nothing; the fixed file is previewed, confirmed and its households appear on the village page."""

import datetime

import pytest

from households.models import Household
from tests.imports.conftest import household_row, member_row, rid, xlsx
from villages.models import Village

VILLAGE = "632821100200"  # the first village of 乌兰县 the seed uses (东庄村村委会)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def workbook(tmp_path, name, head_of_second):
    village = Village.objects.select_related("township").get(code=VILLAGE)
    content = xlsx({
        "贫困户": [household_row(village, "IMP-001", head="导入户主甲"),
                   household_row(village, "IMP-002", head=head_of_second)],
        "家庭成员": [member_row(village, "IMP-001", "导入户主甲", rid(901, birth=datetime.date(1961, 1, 1))),
                     member_row(village, "IMP-002", head_of_second or "导入户主乙",
                                rid(902, birth=datetime.date(1962, 2, 2)))],
    })
    path = tmp_path / name
    path.write_bytes(content)
    return path


def upload(browser, path):
    page = browser.page
    page.set_input_files("input[type=file]", str(path))
    page.click("form.import-upload button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_staff_upload_preview_fix_and_confirm(browser, tmp_path):
    browser.login("staff")
    page = browser.page
    page.click("nav a.nav-link:has-text('数据导入')")
    page.wait_for_load_state("networkidle")
    page.click("tr[data-kind=households] a.btn")
    page.wait_for_load_state("networkidle")
    browser.shot("imports-1-upload")

    upload(browser, workbook(tmp_path, "bad.xlsx", head_of_second=""))
    assert "没有写入任何数据" in page.locator(".alert-danger").inner_text()
    problems = page.locator("tr.import-problem")
    assert problems.count() == 2  # the household row, and its member that has no household to belong to
    assert problems.nth(0).locator("td").all_inner_texts() == ["贫困户", "3", "户主姓名", "—", "此项必填。"]
    assert problems.nth(1).locator("td").all_inner_texts()[:4] == ["家庭成员", "3", "户编号", "IMP-002"]
    assert page.locator("form.import-confirm").count() == 0
    assert not Household.objects.filter(number__startswith="IMP-").exists()
    browser.shot("imports-2-preview-errors")

    page.click("a:has-text('重新上传')")
    page.wait_for_load_state("networkidle")
    upload(browser, workbook(tmp_path, "fixed.xlsx", head_of_second="导入户主乙"))
    assert "检查通过" in page.locator(".alert-success").inner_text()
    assert page.locator("tr.import-row.action-new").count() == 4
    assert not Household.objects.filter(number__startswith="IMP-").exists()
    browser.shot("imports-3-preview-ok")

    page.click("form.import-confirm button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("已导入")
    assert Household.objects.filter(number__startswith="IMP-").count() == 2
    browser.shot("imports-4-done")

    page.click(f"ul.import-villages a[href='/households/?village={VILLAGE}']")
    page.wait_for_load_state("networkidle")
    names = page.locator("tr.household-row").all_inner_texts()
    assert any("导入户主甲" in row for row in names) and any("导入户主乙" in row for row in names)
    browser.shot("imports-5-village-households")
