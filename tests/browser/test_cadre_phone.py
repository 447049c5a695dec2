"""A cadre on a phone (390 px): signs in, adds a measure, marks it implemented, sees it on the 帮扶措施图."""

import json

from django.utils import timezone

from cadres.models import Cadre
from households.models import Measure, MeasureCategory


def measures_chart(browser, village_code):
    browser.goto(f"/areas/village/{village_code}/")
    charts = json.loads(browser.page.locator("#chart-data").text_content())
    chart = next(c for c in charts if c["id"] == "measures")
    index = chart["labels"].index(str(MeasureCategory.EDUCATION.label))
    implemented = next(s for s in chart["series"] if s["label"] == "已实施")
    return implemented["data"][index] or 0


def test_cadre_adds_and_implements_a_measure_on_a_phone(phone):
    page = phone.page
    village = Cadre.objects.get(user__username="cadre").assignments.get().village
    phone.login("cadre")
    before = measures_chart(phone, village.code)

    phone.goto("/work/")
    assert page.locator("h1").inner_text() == "我的工作"
    # one column at phone width: the action buttons span the page
    box = page.locator(".work-actions a").first.bounding_box()
    assert box["width"] > 300 and box["height"] >= 44
    phone.shot("cadre-phone-my-work")

    page.locator(".work-actions a", has_text="新增帮扶措施").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#id_category", MeasureCategory.EDUCATION.value)
    page.fill("#id_title", "资助大学新生学费（浏览器测试）")
    page.fill("#id_amount", "5000")
    page.fill("#id_planned_date", "2016-09-01")
    # error next to the field, nothing saved
    page.fill("#id_amount", "-5")
    page.click("form.work-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "负数" in page.locator("#id_amount-errors").inner_text()
    assert not Measure.objects.filter(title__contains="浏览器测试").exists()
    phone.shot("cadre-phone-measure-error")
    page.fill("#id_amount", "5000")
    page.click("form.work-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    measure = Measure.objects.get(title="资助大学新生学费（浏览器测试）")
    assert measure.village == village and measure.status == Measure.Status.PLANNED

    page.locator(".measure-actions a", has_text="标记为已实施").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_implemented_date", timezone.localdate().isoformat())
    page.fill("#id_amount", "4800")
    page.fill("#id_evidence", "学费收据 2016-088")
    phone.shot("cadre-phone-implement")
    page.click("form.work-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IMPLEMENTED
    assert "已实施" in page.locator(".measure-summary").inner_text()
    assert "修改记录" in page.content()
    phone.shot("cadre-phone-measure-page")

    assert measures_chart(phone, village.code) == before + 1
    phone.shot("cadre-phone-village-charts")
