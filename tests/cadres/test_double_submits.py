"""Double submits of the cadres' phone forms (issue 25 item 9): a create form's one-use token makes a repeat create
nothing; two different submits of the same month/year/quarter end in one row and a field error, never a 500."""

import datetime
from functools import partial
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from cadres import services
from cadres.models import AnnualCommitment, AttendanceReport, QuarterlyReport
from households.models import Measure
from povertyboard.db import full_clean_and_save
from povertyboard.once import TOKEN_FIELD
from tests.support import at_once, fingerprint

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers on the whole file: the requests cannot overlap",
)
DUPLICATE_MONTH = "2024-02 的考勤月报已经填报过，请修改原报告。"
REPEATED = "此表单已经提交过，没有重复保存。"


def new_measure(world, **overrides):
    return {"village": world.mine.code, "household": world.household.pk, "category": "industry",
            "title": "发放牛犊2头", "amount": "6000", "planned_date": "2016-04-01", **overrides}


def attendance(**overrides):
    return {"month": "2024-02", "days_present": "20", "leave_days": "2", "reported_outings": "1",
            "unreported_absences": "0", **overrides}


def token_of(client, url) -> str:
    """The one-use token of the form as the page renders it."""
    token = client.get(url).context["form"][TOKEN_FIELD].value()
    assert token and f'name="{TOKEN_FIELD}"' in client.get(url).content.decode()
    return token


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------------------ the form token


@pytest.mark.django_db
def test_a_repeated_measure_form_creates_nothing_and_leads_to_the_first_measure(world):
    client = logged_in(world.cadre_user)
    url = reverse("work:measure_create")
    data = new_measure(world, **{TOKEN_FIELD: token_of(client, url)})
    before = Measure.objects.count()

    first = client.post(url, data)
    assert first.status_code == 302
    measure = Measure.objects.latest("pk")
    assert first["Location"] == reverse("work:measure_edit", args=[measure.pk])

    again = client.post(url, data, follow=True)
    assert again.redirect_chain == [(first["Location"], 302)]
    assert REPEATED in again.content.decode()
    assert Measure.objects.count() == before + 1

    # a new form has a new token: a second, deliberate measure is created
    assert token_of(client, url) != data[TOKEN_FIELD]
    assert client.post(url, {**data, TOKEN_FIELD: token_of(client, url)}).status_code == 302
    assert Measure.objects.count() == before + 2


@pytest.mark.django_db
def test_a_refused_submit_leaves_its_token_unused_for_the_corrected_form(world):
    client = logged_in(world.cadre_user)
    url = reverse("work:attendance_create")
    token = token_of(client, url)
    AttendanceReport.objects.create(cadre=world.cadre, month=datetime.date(2024, 1, 1), required_days=20,
                                    days_present=20)

    refused = client.post(url, attendance(month="2024-01", **{TOKEN_FIELD: token}))
    assert refused.status_code == 200
    assert refused.context["form"].errors["month"] == ["2024-01 的考勤月报已经填报过，请修改原报告。"]
    assert refused.context["form"][TOKEN_FIELD].value() == token  # shown again with the same token

    assert client.post(url, attendance(**{TOKEN_FIELD: token})).status_code == 302
    assert AttendanceReport.objects.filter(cadre=world.cadre).count() == 2


@pytest.mark.django_db
def test_a_token_is_the_users_own(world):
    """The same token sent by another user is a new token for them: their own create, not the first user's page."""
    url = reverse("work:measure_create")
    token = token_of(logged_in(world.cadre_user), url)
    first = logged_in(world.cadre_user).post(url, new_measure(world, **{TOKEN_FIELD: token}))
    second = logged_in(world.teammate_user).post(url, new_measure(world, **{TOKEN_FIELD: token}))
    assert first.status_code == second.status_code == 302
    assert first["Location"] != second["Location"]
    assert Measure.objects.filter(title="发放牛犊2头").count() == 2


@pytest.mark.django_db
def test_a_token_moved_to_another_form_is_refused(world):
    client = logged_in(world.cadre_user)
    token = token_of(client, reverse("work:measure_create"))
    assert client.post(reverse("work:measure_create"), new_measure(world, **{TOKEN_FIELD: token})).status_code == 302
    before = AttendanceReport.objects.count()
    assert client.post(reverse("work:attendance_create"), attendance(**{TOKEN_FIELD: token})).status_code == 403
    assert AttendanceReport.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args", "data"), [
    ("work:visit_create", [], None),
    ("work:attendance_create", [], attendance()),
    ("work:commitment_edit", [2016], {"content": "全年走访全部贫困户"}),
    ("work:quarterly_edit", [2016, 1], {"content": "一季度完成入户核查"}),
])
def test_every_create_form_of_the_phone_pages_replays_its_token(world, name, args, data):
    client = logged_in(world.cadre_user)
    url = reverse(name, args=args)
    if data is None:  # a visit: today, to the paired household
        data = {"household": world.household.pk, "kind": "home_visit", "date": f"{datetime.date.today()}",
                "purpose": "了解牛犊饲养情况", "notes": ""}
    data = {**data, TOKEN_FIELD: token_of(client, url)}
    first = client.post(url, data)
    assert first.status_code == 302
    written = fingerprint()
    # the same form sent again, even edited meanwhile: the token says it is the same submit
    again = client.post(url, {**data, "content": "改过的内容", "days_present": "3", "purpose": "再次走访"})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert fingerprint() == written


# ------------------------------------------------------------------------------------------ twins, made at once


@pytest.mark.django_db
def test_a_twin_report_filed_after_the_months_check_is_the_field_error_not_a_500(world):
    """The race made deterministic: the other submit's report appears after check_month looked for it."""
    client = logged_in(world.cadre_user)
    assert client.post(reverse("work:attendance_create"), attendance()).status_code == 302
    with mock.patch.object(services, "check_month", lambda cadre, month, exclude_pk=None: month):
        response = client.post(reverse("work:attendance_create"), attendance(days_present="19"))
    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [DUPLICATE_MONTH]
    assert list(AttendanceReport.objects.filter(cadre=world.cadre).values_list("days_present", flat=True)) == [20]


@pytest.mark.django_db
def test_the_databases_refusal_of_a_twin_is_the_same_field_error(world):
    """A twin committed after full_clean() too: the INSERT's IntegrityError is turned into the field error."""
    services.create_attendance_report(user=world.cadre_user, month=datetime.date(2024, 2, 1), days_present=20)
    twin = AttendanceReport(cadre=world.cadre, month=datetime.date(2024, 2, 1), required_days=20, days_present=19)
    with mock.patch.object(AttendanceReport, "full_clean"), pytest.raises(ValidationError) as refused:
        full_clean_and_save(twin, {"attendance_one_per_month": "重复"})
    assert refused.value.message_dict == {"month": ["重复"]}
    assert AttendanceReport.objects.filter(cadre=world.cadre).count() == 1  # and the transaction is still usable


@pytest.mark.django_db
def test_a_twin_first_commitment_of_the_year_is_a_message_not_a_500(world):
    client = logged_in(world.cadre_user)
    clean = AnnualCommitment.full_clean

    def twin_saved_meanwhile(commitment, *args, **kwargs):
        AnnualCommitment.objects.create(cadre=world.cadre, year=2016, content="另一次提交")
        clean(commitment, *args, **kwargs)

    with mock.patch.object(AnnualCommitment, "full_clean", twin_saved_meanwhile):
        response = client.post(reverse("work:commitment_edit", args=[2016]), {"content": "我的承诺"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "2016 年度承诺刚刚已由另一次提交保存，您的内容没有保存，请刷新后核对。"]
    assert not AnnualCommitment.objects.filter(content="我的承诺").exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)  # each thread commits on its own connection
def test_four_simultaneous_submits_of_one_measure_form_create_one_measure(world):
    url = reverse("work:measure_create")
    clients = [logged_in(world.cadre_user) for _ in range(4)]
    data = new_measure(world, title="四次提交的措施", **{TOKEN_FIELD: token_of(clients[0], url)})

    answers = at_once(*(partial(client.post, url, data) for client in clients))

    measure = Measure.objects.get(title="四次提交的措施")  # exactly one
    assert [a.status_code for a in answers] == [302] * 4
    assert {a["Location"] for a in answers} == {reverse("work:measure_edit", args=[measure.pk])}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_attendance_submits_file_one_report_and_answer_the_others_with_the_field_error(world):
    url = reverse("work:attendance_create")
    clients = [logged_in(world.cadre_user) for _ in range(4)]
    # four forms (four tabs or phones): each its own token
    answers = at_once(*(partial(client.post, url, attendance(**{TOKEN_FIELD: token_of(client, url)}))
                        for client in clients))

    assert AttendanceReport.objects.filter(cadre=world.cadre).count() == 1
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 302]
    for answer in answers:
        if answer.status_code == 200:
            assert answer.context["form"].errors["month"] == [DUPLICATE_MONTH]


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "args", "message"), [
    ("work:commitment_edit", [2016], "2016 年度承诺刚刚已由另一次提交保存，您的内容没有保存，请刷新后核对。"),
    ("work:quarterly_edit", [2016, 1], "2016 年第 1 季度报告刚刚已由另一次提交保存，您的内容没有保存，请刷新后核对。"),
])
def test_simultaneous_first_reports_save_one_and_answer_the_others_with_a_message(world, name, args, message):
    url = reverse(name, args=args)
    clients = [logged_in(world.cadre_user) for _ in range(3)]
    answers = at_once(*(partial(client.post, url, {"content": f"第{i}份", TOKEN_FIELD: token_of(client, url)})
                        for i, client in enumerate(clients)))

    model = AnnualCommitment if name == "work:commitment_edit" else QuarterlyReport
    assert model.objects.filter(cadre=world.cadre).count() == 1
    assert 302 in [a.status_code for a in answers]
    for answer in answers:
        # a loser either raced the winner's insert and was refused, or came after the winner's commit and
        # replaced its content (the form saves the report whether or not it exists)
        assert answer.status_code in (200, 302)
        if answer.status_code == 200:
            assert answer.context["form"].non_field_errors() == [message]
