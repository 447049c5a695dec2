"""Issue 25: what an import tells of rows outside the user's area, files that lie about their size, a database
that fails halfway, and two confirmations of one upload."""

import datetime
import io
import re
import threading
import time
import zipfile
from contextlib import contextmanager

import pytest
from django.contrib.messages import get_messages
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from households.models import Household, Member
from imports.resources import MemberResource
from imports.services import MAX_ROWS, FileRefused
from tests.factories import make_household, make_member
from tests.support import fingerprint

from .conftest import (
    HOUSEHOLD_HEADERS,
    household_row,
    member_row,
    problems_of,
    rid,
    stored_files,
    token_of,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

ID_TAKEN = "该身份证号码已登记，请与县扶贫办核实。"


# ------------------------------------------------------------------------------------------ no oracle (item 3)


def member_problems(world, run, resident_id) -> list[tuple]:
    """The problems of a member file whose only row carries the given ID into household 001 of the user's county."""
    content = xlsx({"家庭成员": [member_row(world.village, "001", "张小三", resident_id, 与户主关系="子女")]})
    before = fingerprint()
    report = run("members", content, world.staff)
    assert not report.committed and fingerprint() == before
    return problems_of(report)


def test_an_id_held_outside_the_area_gets_one_answer_whoever_holds_it(world, run):
    """Another county's household head, a child in another county's exited household: the importer learns only
    that the ID cannot be used, in the same words, with nothing of the county, household or person."""
    make_household(world.village, number="001")
    head = make_member(make_household(world.foreign, number="900", head_name="郭勒户主"))
    exited = make_household(world.foreign, number="901", status=Household.Status.EXITED, exit_year=2016)
    child = make_member(exited, birth=datetime.date(2005, 6, 1), relation="child")
    answers = [member_problems(world, run, m.id_number) for m in (head, child)]
    assert answers == [[("家庭成员", 2, "身份证号码", m.id_number, ID_TAKEN)] for m in (head, child)]
    assert not any(word in str(answers) for word in ("格尔木", "郭勒", "900", "901", "其他县", head.name, child.name))


def test_an_id_in_the_users_own_county_still_names_its_household(world, run):
    """The importer may read their own county's registry: the clash there is spelled out."""
    make_household(world.village, number="001")
    held = make_member(make_household(world.other, number="900", head_name="王九"))
    [(_sheet, _row, column, _value, message)] = member_problems(world, run, held.id_number)
    assert column == "身份证号码" and "已登记在茶卡演示01村 900 户（王九）" in message


def attendance_message(world, run, name, phone) -> str:
    content = xlsx({"考勤月报": [{"干部姓名": name, "干部联系电话": phone, "月份": "2016-05", "实际驻村天数": 20}]})
    [(_sheet, _row, column, _value, message)] = problems_of(run("attendance", content, world.staff))
    assert column == "干部姓名"
    return message


def test_a_cadre_outside_the_area_is_answered_as_no_cadre_at_all(world, run):
    """An attendance row naming another county's cadre, with his real phone or a made-up one, gets the answer a
    name nobody has gets: the import confirms neither the name nor the phone."""
    golmud = world.golmud_cadre
    golmud.phone = "13711112222"
    golmud.save()
    real_phone = attendance_message(world, run, golmud.name, golmud.phone)
    guessed_phone = attendance_message(world, run, golmud.name, "13800001111")
    no_phone = attendance_message(world, run, golmud.name, "")
    golmud.delete()
    nobody = attendance_message(world, run, golmud.name, golmud.phone)
    assert real_phone == guessed_phone == no_phone == nobody == f"本县（市）没有名为“{golmud.name}”的干部。"


def test_a_wrong_phone_of_a_cadre_of_the_area_is_named(world, run):
    """Within the area the phone tells namesakes apart, and a wrong one is said to be wrong, whoever it is of."""
    world.golmud_cadre.name, world.golmud_cadre.phone = world.cadre.name, "13711112222"
    world.golmud_cadre.save()
    others = attendance_message(world, run, world.cadre.name, "13711112222")
    random = attendance_message(world, run, world.cadre.name, "13000000000")
    assert others.replace("13711112222", "X") == random.replace("13000000000", "X")
    assert random == f"干部“{world.cadre.name}”的联系电话不是 13000000000。"


# ------------------------------------------------------------------------------------------ row limit (item 4)


def far_row_workbook(row: int, dimension: str) -> bytes:
    """A households sheet: the headers, then one cell at the given row (blank rows between). Its <dimension>
    element tells the true size ("true"), is left out ("missing"), or says the sheet ends at row 2 ("lie")."""
    content = xlsx({"贫困户": (HOUSEHOLD_HEADERS, [[], ["x"]])})  # the cell at row 3, moved below
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                xml = data.decode().replace('<row r="3">', f'<row r="{row}">').replace('r="A3"', f'r="A{row}"')
                size = {"true": f'<dimension ref="A1:R{row}" />', "missing": "", "lie": '<dimension ref="A1:R2" />'}
                xml, found = re.subn(r"<dimension ref=\"[^\"]*\" ?/>", size[dimension], xml)
                assert found == 1 and f'r="A{row}"' in xml
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


def refused_quickly(world, run, content: bytes) -> str:
    before = fingerprint()
    started = time.perf_counter()
    with pytest.raises(FileRefused) as refused:
        run("households", content, world.staff)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.1f} s"  # a guard against a minutes-long hang, not a benchmark
    assert fingerprint() == before
    return refused.value.message


@pytest.mark.parametrize("dimension", ["true", "missing", "lie"])
def test_one_cell_at_row_200_000_000_is_refused_at_once(world, run, dimension):
    content = far_row_workbook(200_000_000, dimension)
    assert len(content) < 10_000
    message = refused_quickly(world, run, content)
    assert message == "文件超过 30,000 行数据（空行也计算在内），请分成几个文件导入。"
    assert MAX_ROWS == 30_000


@pytest.mark.parametrize("dimension", ["true", "missing"])
def test_blank_rows_count_toward_the_limit(world, run, dimension):
    """30,001 rows below the headers, all blank but the last: refused; 30,000 are read."""
    message = refused_quickly(world, run, far_row_workbook(MAX_ROWS + 2, dimension))
    assert "超过 30,000 行数据" in message
    report = run("households", far_row_workbook(MAX_ROWS + 1, dimension), world.staff)
    assert {p[1] for p in problems_of(report)} == {MAX_ROWS + 1}  # read to the end: the row's own errors


def test_data_below_a_dimension_that_says_less_is_read(world, run):
    """A dimension that understates the sheet no longer hides its rows."""
    report = run("households", far_row_workbook(5, "lie"), world.staff)
    assert report.problems == [] and {p[1] for p in problems_of(report)} == {5}


# ------------------------------------------------------------------------------------------ database outage (item 8)


def two_households(world) -> bytes:
    v = world.village
    return xlsx({"贫困户": [household_row(v, "001"), household_row(v, "002", head="李二")],
                 "家庭成员": [member_row(v, "001", "张三", rid(1)), member_row(v, "002", "李二", rid(2))]})


@contextmanager
def database_fails(error, statement: str):
    """The first statement starting with `statement` fails as when the connection drops there (later ones run)."""
    failed = []

    def fail_once(execute, sql, params, many, context):
        if sql.startswith(statement) and not failed:
            failed.append(sql)
            raise error("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_once):
        yield
    assert failed, f"no statement began with {statement}"


def confirm(client, token):
    return client.post(reverse("imports:confirm", args=["households"]), {"token": token})


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_connection_lost_during_a_confirm_answers_503_and_the_file_can_be_confirmed_again(
        client, world, media, error):
    """The members are written after the households: the connection drops there. Not 400 with an error per row,
    not the upload thrown away: a 503, nothing written, and the same confirmation works once the database is
    back."""
    client.force_login(world.staff)
    token = token_of(upload(client, "households", two_households(world)))
    stored = stored_files(media)
    before = fingerprint()
    with database_fails(error, 'INSERT INTO "households_member"'):
        response = confirm(client, token)
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()
    assert fingerprint() == before
    assert stored_files(media) == stored  # kept as uploaded
    again = confirm(client, token)
    assert again.status_code == 200 and "全部数据已在一个事务中写入" in again.content.decode()
    assert Household.objects.count() == 2 and Member.objects.count() == 2 and stored_files(media) == []


def test_a_connection_lost_during_a_preview_answers_503(client, world, media):
    """The registry is read before the rows are checked: a failure there is no error of the file."""
    client.force_login(world.staff)
    before = fingerprint()
    with database_fails(OperationalError, 'SELECT "households_member"'):
        response = upload(client, "households", two_households(world))
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()
    assert fingerprint() == before


# ------------------------------------------------------------------------------------------ one confirmation (item 10)


ALREADY = "这个文件已经确认导入（或正在导入），请勿重复确认。"


def test_a_confirmation_while_another_runs_is_refused_in_plain_words(client, world, media):
    """The second confirmation of one upload arrives while the first is writing (a double click, two tabs): it is
    told so and writes nothing; the first writes the file once."""
    client.force_login(world.staff)
    token = token_of(upload(client, "households", two_households(world)))
    second = Client()
    second.force_login(world.staff)
    sent, answers = [], []

    def second_confirmation_meanwhile(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "households_household"') and not sent:
            sent.append(token)  # once: the second confirmation's own statements pass through here too
            answers.append(confirm(second, token))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(second_confirmation_meanwhile):
        first = confirm(client, token)
    assert first.status_code == 200 and Household.objects.count() == 2 and Member.objects.count() == 2
    [loser] = answers
    assert loser.status_code == 302 and loser["Location"] == reverse("imports:upload", args=["households"])
    assert [str(m) for m in get_messages(loser.wsgi_request)] == [ALREADY]
    assert stored_files(media) == []


def test_a_row_refused_by_the_database_is_explained_without_its_constraint(world, run, monkeypatch):
    """Another import adds the same member between this one's checks and its write: the database's unique key
    refuses the row, and the report says so in words, not in the database's."""
    make_household(world.village, number="001")
    prepare = MemberResource.prepare

    def prepare_then_collide(self, rows):
        prepare(self, rows)
        make_member(make_household(world.other, number="900"), id_number=rid(1), birth=datetime.date(1975, 3, 8))

    monkeypatch.setattr(MemberResource, "prepare", prepare_then_collide)
    before = fingerprint()
    report = run("members", xlsx({"家庭成员": [member_row(world.village, "001", "张三", rid(1))]}), world.staff)
    assert not report.committed and fingerprint() == before
    [(sheet, row, column, value, message)] = problems_of(report)
    assert (sheet, row, column, value) == ("家庭成员", 2, "", "")
    assert message == "这一行无法写入：与系统中刚写入的数据冲突（如同一身份证号码已被他人登记），请重新上传文件预览。"


@pytest.mark.django_db(transaction=True)
def test_a_household_deleted_before_the_commit_is_explained_without_its_constraint(world, run, monkeypatch):
    """Foreign keys are checked when the import commits: a household deleted meanwhile (without its members'
    cascade, as another connection's delete looks from here) refuses the file in words."""
    household = make_household(world.village, number="001")
    prepare = MemberResource.prepare

    def prepare_then_delete(self, rows):
        prepare(self, rows)
        Household.objects.filter(pk=household.pk)._raw_delete(using="default")

    monkeypatch.setattr(MemberResource, "prepare", prepare_then_delete)
    report = run("members", xlsx({"家庭成员": [member_row(world.village, "001", "张三", rid(1))]}), world.staff)
    assert not report.committed and Member.objects.count() == 0
    assert problems_of(report) == [
        ("家庭成员", 0, "", "", "导入期间系统中的相关数据被他人修改，没有写入任何数据。请重新上传文件预览。")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serializes writers on the whole file: two confirmations cannot interleave")
def test_two_simultaneous_confirmations_write_once_and_the_other_is_told_so(world, media):
    """Two workers confirm the same upload at the same moment: one imports, the other gets a message in words
    (never the database's "duplicate key value violates unique constraint ...")."""
    first, second = Client(), Client()
    first.force_login(world.staff)
    second.force_login(world.staff)
    token = token_of(upload(first, "households", two_households(world)))
    start, answers, lock = threading.Barrier(2), [], threading.Lock()

    def confirm_at_once(client):
        try:
            start.wait()
            response = confirm(client, token)
            with lock:
                answers.append((response.status_code, [str(m) for m in get_messages(response.wsgi_request)],
                                response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm_at_once, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _messages, _page in answers) == [200, 302]
    [(_status, said, page)] = [a for a in answers if a[0] == 302]
    assert said in ([ALREADY], ["上传的文件已失效（已导入或超过24小时），请重新上传。"])  # while or after
    assert "constraint" not in page and "duplicate key" not in page
    assert Household.objects.count() == 2 and Member.objects.count() == 2
