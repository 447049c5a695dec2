"""The API's POST creates with an Idempotency-Key (issue 25 item 9): a repeat replays the first answer and
creates nothing; a key is the user's own; a duplicate month is a 400 naming the field, never a 500 or a 409."""

import datetime
from functools import partial
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from cadres import services as cadre_services
from cadres.models import AttendanceReport
from households.models import Measure
from idempotency.models import UsedKey
from povertyboard.api.idempotency import HEADER
from povertyboard.once import KEPT_FOR
from tests.support import at_once

MEASURES = reverse("api:measures-list")
ATTENDANCE = reverse("api:attendance-reports-list")
DUPLICATE_MONTH = "2016-02 的考勤月报已经填报过，请修改原报告。"


def new_measure(world, **overrides):
    return {"village": world.mine.code, "household": world.household.pk, "category": "industry",
            "title": "发放牛犊2头", "planned_date": "2016-04-01", "amount": "6000", **overrides}


def post(client, path, body, key=None):
    headers = {HEADER: key} if key is not None else {}
    return client.post(path, body, format="json", headers=headers)


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_row_and_answers_the_same(world, api):
    client = api(world.cadre_user)
    before = Measure.objects.count()

    first = post(client, MEASURES, new_measure(world), key="a1b2c3")
    again = post(client, MEASURES, new_measure(world), key="a1b2c3")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content  # the same body, byte for byte
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Measure.objects.count() == before + 1


@pytest.mark.django_db
def test_different_keys_create_two_rows(world, api):
    client = api(world.cadre_user)
    before = Measure.objects.count()
    first = post(client, MEASURES, new_measure(world), key="key-1")
    second = post(client, MEASURES, new_measure(world), key="key-2")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert Measure.objects.count() == before + 2


@pytest.mark.django_db
def test_different_keys_on_a_unique_row_are_a_field_error(world, api):
    client = api(world.cadre_user)
    body = {"month": "2016-02", "days_present": 20}
    assert post(client, ATTENDANCE, body, key="month-1").status_code == 201
    second = post(client, ATTENDANCE, body, key="month-2")
    assert second.status_code == 400
    assert second.json() == {"month": [DUPLICATE_MONTH]}
    assert AttendanceReport.objects.filter(cadre=world.cadre).count() == 1


@pytest.mark.django_db
def test_another_users_key_is_not_replayed(world, api):
    first = post(api(world.cadre_user), MEASURES, new_measure(world), key="shared-key")
    second = post(api(world.teammate_user), MEASURES, new_measure(world), key="shared-key")
    assert (first.status_code, second.status_code) == (201, 201)
    assert not second.has_header("Idempotent-Replayed")
    assert first.json()["id"] != second.json()["id"]
    assert second.json()["responsible"] == world.teammate.pk


@pytest.mark.django_db
def test_a_key_reused_for_another_request_is_refused(world, api):
    client = api(world.cadre_user)
    assert post(client, MEASURES, new_measure(world), key="k").status_code == 201
    before = Measure.objects.count()
    other_body = post(client, MEASURES, new_measure(world, title="另一项措施"), key="k")
    other_path = post(client, ATTENDANCE, {"month": "2016-02", "days_present": 20}, key="k")
    assert (other_body.status_code, other_path.status_code) == (422, 422)
    assert other_body.json() == {"detail": "此 Idempotency-Key 已用于另一个请求，请换一个新的键。"}
    assert Measure.objects.count() == before and not AttendanceReport.objects.exists()


@pytest.mark.django_db
def test_a_refused_create_keeps_nothing_and_the_corrected_one_may_reuse_the_key(world, api):
    client = api(world.cadre_user)
    refused = post(client, MEASURES, new_measure(world, amount="-1"), key="retry")
    assert refused.status_code == 400 and "amount" in refused.json()
    assert not UsedKey.objects.exists()
    corrected = post(client, MEASURES, new_measure(world), key="retry")
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "with space", "x" * 101, "键"])
def test_a_malformed_key_is_a_400_naming_the_header(world, api, key):
    response = post(api(world.cadre_user), MEASURES, new_measure(world), key=key)
    assert response.status_code == 400
    assert list(response.json()) == [HEADER]


@pytest.mark.django_db
def test_keys_are_forgotten_after_a_day(world, api):
    client = api(world.cadre_user)
    first = post(client, MEASURES, new_measure(world), key="old")
    UsedKey.objects.update(used_at=datetime.datetime.now(datetime.UTC) - KEPT_FOR - datetime.timedelta(minutes=1))
    again = post(client, MEASURES, new_measure(world), key="old")
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert UsedKey.objects.count() == 1


@pytest.mark.django_db
def test_creates_of_every_app_honour_the_key(world, api):
    """The key is handled once, by the base viewset: the saved reports and the assessment inputs too."""
    cadre = api(world.cadre_user)
    for path, body in [(reverse("api:commitments-list"), {"year": 2016, "content": "全年走访全部贫困户"}),
                       (reverse("api:visits-list"), {"household": world.household.pk, "kind": "home_visit",
                                                     "date": "2016-05-01", "purpose": "了解生产情况"})]:
        first = post(cadre, path, body, key=f"once-{path}")
        again = post(cadre, path, body, key=f"once-{path}")
        assert first.status_code == again.status_code == 201, first.content
        assert again.content == first.content and again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_twin_filed_after_the_months_check_is_a_400_naming_the_field(world, api):
    client = api(world.cadre_user)
    assert post(client, ATTENDANCE, {"month": "2016-02", "days_present": 20}).status_code == 201
    with mock.patch.object(cadre_services, "check_month", lambda cadre, month, exclude_pk=None: month):
        response = post(client, ATTENDANCE, {"month": "2016-02", "days_present": 19})
    assert response.status_code == 400
    assert response.json() == {"month": [DUPLICATE_MONTH]}


def test_the_schema_documents_the_header_on_creates_only():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    creates, others = [], []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            # a list's POST; the auth endpoints (login, logout) create or end a session's token, no row to repeat
            is_create = method == "post" and "{" not in path and not path.startswith("/api/v1/auth/")
            (creates if is_create else others).append((path, headers, operation["responses"]))
    assert {path for path, *_ in creates} >= {"/api/v1/measures/", "/api/v1/attendance-reports/",
                                              "/api/v1/assessment-periods/", "/api/v1/bonus-items/"}
    for path, headers, responses in creates:
        assert headers == [HEADER] and "422" in responses, path
    for path, headers, responses in others:
        assert HEADER not in headers and "422" not in responses, path


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serializes writers on the whole file: the requests cannot overlap")
@pytest.mark.django_db(transaction=True)  # each thread commits on its own connection
def test_simultaneous_repeats_of_a_key_create_one_row_and_answer_alike(world, api):
    clients = [api(world.cadre_user) for _ in range(4)]
    answers = at_once(*(partial(post, client, MEASURES, new_measure(world, title="同时重发"), "race")
                        for client in clients))
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.content for a in answers}) == 1
    assert Measure.objects.filter(title="同时重发").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serializes writers on the whole file: the requests cannot overlap")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_attendance_posts_file_one_report_and_answer_the_others_400(world, api):
    clients = [api(world.cadre_user) for _ in range(4)]
    answers = at_once(*(partial(post, client, ATTENDANCE, {"month": "2016-02", "days_present": 20})
                        for client in clients))
    assert sorted(a.status_code for a in answers) == [201, 400, 400, 400]
    assert all(a.json() == {"month": [DUPLICATE_MONTH]} for a in answers if a.status_code == 400)
    assert AttendanceReport.objects.filter(cadre=world.cadre).count() == 1
