"""The admin imports through the same resources: the same checks, a preview, then the confirmed import."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import Household, Member
from tests.support import fingerprint

from .conftest import household_row, member_row, rid, xlsx

pytestmark = pytest.mark.django_db

XLSX_FORMAT = "0"  # RegistryImportExportAdmin.import_formats = [XLSX, CSV]


def admin_import(client, model, content, name="registry.xlsx"):
    return client.post(reverse(f"admin:households_{model}_import"), {
        "resource": "0", "format": XLSX_FORMAT, "import_file": SimpleUploadedFile(name, content)})


def test_admin_previews_then_imports_households(client, world):
    client.force_login(world.admin)
    content = xlsx({"贫困户": [household_row(world.village, "001"), household_row(world.foreign, "002")]})
    preview = admin_import(client, "household", content)
    assert preview.status_code == 200 and Household.objects.count() == 0
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:households_household_process_import"), confirm.initial)
    assert response.status_code == 302
    assert set(Household.objects.values_list("number", flat=True)) == {"001", "002"}  # an administrator: any county


def test_admin_import_reports_row_errors_and_writes_nothing(client, world):
    client.force_login(world.admin)
    content = xlsx({"家庭成员": [member_row(world.village, "404", "无户人", rid(1))]})
    before = fingerprint()
    response = admin_import(client, "member", content)
    page = response.content.decode()
    assert response.status_code == 200 and response.context.get("confirm_form") is None
    assert re.search("贫困户 希里演示01村（632821101001）404 不存在", page)
    assert fingerprint() == before and Member.objects.count() == 0


def test_admin_import_refuses_what_is_not_a_spreadsheet(client, world):
    client.force_login(world.admin)
    response = admin_import(client, "household", b"%PDF-1.4", name="registry.xlsx")
    assert "不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert Household.objects.count() == 0
