import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from villages.models import ReportFigure


@pytest.fixture
def staff_client(client, seeded, django_user_model):
    client.force_login(django_user_model.objects.get(username="staff"))
    return client


def test_reports_page_requires_login(client, seeded):
    response = client.get(reverse("reports:figures"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_reports_page_shows_every_figure_with_its_source_and_status(client, seeded, django_user_model):
    client.force_login(django_user_model.objects.get(username="prefecture"))  # both counties
    response = client.get(reverse("reports:figures"))
    html = response.content.decode()
    assert response.status_code == 200
    for figure in ReportFigure.objects.all():
        assert figure.label in html
        assert reverse("reports:figure_rows", args=[figure.county.code, figure.key]) in html
    assert html.count('<span class="badge text-bg-success">一致</span>') == 75
    assert "共选派第一书记19名" in html
    html = client.get(reverse("reports:figures"), {"county": "632821"}).content.decode()
    assert html.count('<span class="badge text-bg-success">一致</span>') == 33


def test_reports_page_shows_only_the_users_county(staff_client):
    html = staff_client.get(reverse("reports:figures")).content.decode()
    assert "乌兰县" in html
    assert html.count('<span class="badge text-bg-success">一致</span>') == 33
    assert staff_client.get(reverse("reports:figures"), {"county": "632801"}).content.decode().count(
        '<span class="badge text-bg-success">一致</span>') == 0


def test_figure_rows_page_lists_the_rows_with_masked_ids(staff_client):
    response = staff_client.get(reverse("reports:figure_rows", args=["632821", "dibao-people"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1,113" in html or "1113" in html
    assert re.search(r"632821\*{8}\d{3}[\dX]", html)
    assert not re.search(r"632821\d{11}[\dX]", html), "a full resident ID leaked"
    assert "演示数据" in html


def test_figure_rows_page_404_for_an_unknown_figure(staff_client):
    assert staff_client.get(reverse("reports:figure_rows", args=["632821", "no-such"])).status_code == 404


def test_figure_rows_page_query_count_does_not_grow_with_rows(staff_client):
    def queries(key):
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("reports:figure_rows", args=["632821", key])).status_code == 200
        return len(ctx)

    # 19 rows and 1,113 rows behind the figure: the same number of queries.
    assert queries("first-secretaries") == queries("dibao-people")
