"""API tokens (issue 25, item 6): a new hashed token per login that expires, revoked on logout, password change
and deactivation, listed and revocable by their owner and by administrators in the admin."""

import datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db
PASSWORD = "Right-password-1"
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


@pytest.fixture
def lisi(django_user_model):
    return django_user_model.objects.create_user("lisi", password=PASSWORD)


@pytest.fixture
def zhangsan(django_user_model):
    return django_user_model.objects.create_user("zhangsan", password=PASSWORD)


def log_in(username="lisi") -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def status_with(token) -> int:
    return with_token(token).get("/api/v1/counties/").status_code


# ------------------------------------------------------------------------------------------ login


def test_the_readme_walk_posts_a_form_and_gets_json_with_token_and_expiry(lisi):
    """curl -s -X POST -d username=… -d password=… http://…/api/v1/auth/token/, then Authorization: Token …"""
    response = APIClient().post(TOKEN_URL, f"username=lisi&password={PASSWORD}",
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    lifetime = expiry - timezone.now()
    assert datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < lifetime \
        <= datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert status_with(body["token"]) == 200


def test_each_login_returns_a_new_token_and_both_work(lisi):
    first, second = log_in(), log_in()
    assert first != second
    assert ApiToken.objects.filter(user=lisi).count() == 2
    assert status_with(first) == 200 and status_with(second) == 200


def test_a_wrong_password_gets_400_and_no_token(lisi):
    response = APIClient().post(TOKEN_URL, {"username": "lisi", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_only_a_digest_is_stored_and_the_digest_is_no_token(lisi):
    token = log_in()
    row = ApiToken.objects.values().get()
    assert row["digest"] == hash_token(token)
    assert not [column for column, value in row.items() if token in str(value)]
    assert status_with(row["digest"]) == 401  # what a database reader sees does not authenticate


def test_a_login_removes_the_users_expired_tokens(lisi):
    old = log_in()
    ApiToken.objects.update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    log_in()
    assert ApiToken.objects.filter(digest=hash_token(old)).exists() is False
    assert ApiToken.objects.filter(user=lisi).count() == 1


# ------------------------------------------------------------------------------------------ expiry and revocation


def test_an_expired_token_is_401_and_removed(lisi):
    token = log_in()
    ApiToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = with_token(token).get("/api/v1/counties/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.exists()


def test_a_password_change_revokes_every_token_of_the_user(lisi, zhangsan):
    token, others = log_in(), log_in("zhangsan")
    lisi.set_password("Another-password-2")
    lisi.save()
    assert status_with(token) == 401
    assert not ApiToken.objects.filter(user=lisi).exists()
    assert status_with(others) == 200  # another user's token stays


def test_a_password_change_in_the_admin_revokes_the_tokens(lisi, admin_client):
    token = log_in()
    response = admin_client.post(reverse("admin:auth_user_password_change", args=[lisi.pk]), {
        "password1": "Another-password-2", "password2": "Another-password-2", "usable_password": "true"})
    assert response.status_code == 302
    assert status_with(token) == 401


def test_deactivation_revokes_every_token_of_the_user(lisi):
    token = log_in()
    lisi.is_active = False
    lisi.save()
    assert not ApiToken.objects.exists()
    lisi.is_active = True
    lisi.save()
    assert status_with(token) == 401  # reactivation does not bring a token back


def test_saving_other_fields_of_the_user_keeps_the_tokens(lisi):
    token = log_in()
    lisi.first_name = "四"
    lisi.save()
    assert status_with(token) == 200


def test_logout_revokes_only_the_token_used(lisi):
    used, other = log_in(), log_in()
    response = with_token(used).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert status_with(used) == 401
    assert status_with(other) == 200


def test_logout_all_revokes_every_token_of_the_user(lisi, zhangsan):
    used, other, someone_elses = log_in(), log_in(), log_in("zhangsan")
    response = with_token(used).post("/api/v1/auth/logout-all/")
    assert response.status_code == 204
    assert (status_with(used), status_with(other), status_with(someone_elses)) == (401, 401, 200)
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["zhangsan"]


# ------------------------------------------------------------------------------------------ the owner's tokens


def test_the_owner_lists_their_unexpired_tokens_without_the_secret(lisi, zhangsan):
    used, other = log_in(), log_in()
    log_in("zhangsan")
    expired = log_in()
    ApiToken.objects.filter(digest=hash_token(expired)).update(expiry=timezone.now())
    response = with_token(used).get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert response.json()["count"] == 2
    assert {row["prefix"]: row["current"] for row in rows} == {used[:8]: True, other[:8]: False}
    assert all(set(row) == {"id", "prefix", "created", "expiry", "current"} for row in rows)
    assert used not in response.content.decode() and hash_token(used) not in response.content.decode()


def test_the_owner_revokes_one_of_their_tokens_but_another_users_is_404(lisi, zhangsan):
    used, other = log_in(), log_in()
    someone_elses = log_in("zhangsan")
    client = with_token(used)
    mine = ApiToken.objects.get(digest=hash_token(other))
    theirs = ApiToken.objects.get(digest=hash_token(someone_elses))
    assert client.delete(f"{TOKENS_URL}{theirs.pk}/").status_code == 404
    assert status_with(someone_elses) == 200
    assert client.delete(f"{TOKENS_URL}{mine.pk}/").status_code == 204
    assert status_with(other) == 401
    assert status_with(used) == 200


def test_the_site_session_lists_the_users_tokens_too(client, lisi):
    log_in()
    client.force_login(lisi)
    response = client.get(TOKENS_URL)
    assert response.status_code == 200
    assert [row["current"] for row in response.json()["results"]] == [False]


@pytest.mark.parametrize(("method", "url"), [
    ("get", TOKENS_URL), ("delete", f"{TOKENS_URL}1/"), ("post", "/api/v1/auth/logout/"),
    ("post", "/api/v1/auth/logout-all/"),
])
def test_without_a_token_the_token_endpoints_are_401(lisi, method, url):
    log_in()
    response = getattr(APIClient(), method)(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert ApiToken.objects.count() == 1


# ------------------------------------------------------------------------------------------ administrators


def test_a_superuser_sees_every_token_in_the_admin_and_deletes_one(lisi, zhangsan, admin_client):
    kept, deleted = log_in(), log_in("zhangsan")
    changelist = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    assert changelist.status_code == 200
    assert {token.user.username for token in changelist.context["cl"].result_list} == {"lisi", "zhangsan"}
    html = changelist.content.decode()
    assert kept[:8] in html and kept not in html and hash_token(kept) not in html
    row = ApiToken.objects.get(digest=hash_token(deleted))
    response = admin_client.post(reverse("admin:accounts_apitoken_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert (status_with(kept), status_with(deleted)) == (200, 401)


def test_the_admin_makes_no_token_and_edits_none(lisi, admin_client):
    log_in()
    row = ApiToken.objects.get()
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    page = admin_client.get(reverse("admin:accounts_apitoken_change", args=[row.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]


# ------------------------------------------------------------------------------------------ scripts


def test_create_api_token_prints_a_working_token(lisi, capsys):
    call_command("create_api_token", "lisi")
    token = capsys.readouterr().out.strip()
    assert status_with(token) == 200
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody")
