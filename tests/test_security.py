"""Secure serving (issue 9): production settings pass `check --deploy`, static files by WhiteNoise, security headers
and a Content-Security-Policy without inline scripts or styles, login throttling, query-string and upload limits."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, TooManyFieldsSent
from django.test import RequestFactory, override_settings
from django.urls import resolve, reverse
from django.utils import translation
from rest_framework.test import APIClient

from imports.services import MAX_UPLOAD_BYTES
from povertyboard.errors import bad_request, server_error
from povertyboard.middleware import MAX_QUERY_VALUE_LENGTH
from povertyboard.settings import tile_source

ROOT = Path(__file__).resolve().parents[1]
NOT_INHERITED = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the browser tests set the last
PASSWORD = "Right-password-1"


def run_production(*args: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="example.org",
                       DJANGO_SETTINGS_MODULE="povertyboard.settings", **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=environment)


# ---- production settings ----

def test_production_passes_check_deploy_without_warnings():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_secure_cookies_hsts_proxy_and_manifest_static():
    code = ("import django, json; from django.conf import settings as s; django.setup(); print(json.dumps(["
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
            "s.SECURE_PROXY_SSL_HEADER, s.STORAGES['staticfiles']['BACKEND'], s.CSRF_TRUSTED_ORIGINS,"
            "s.CONTENT_SECURITY_POLICY['img-src']]))")
    result = run_production("-c", code, CSRF_TRUSTED_ORIGINS="https://example.org, https://pb.example.org",
                            MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        True, True, 31536000, True, ["HTTP_X_FORWARDED_PROTO", "https"],
        "whitenoise.storage.CompressedManifestStaticFilesStorage", ["https://example.org", "https://pb.example.org"],
        ["'self'", "data:", "https://*.tile.example.org"],
    ]


def test_development_and_tests_serve_unhashed_static_files_from_the_finders(client):
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    response = client.get("/static/css/site.css")  # the test client has no static handler: this is WhiteNoise
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize(("url", "source"), [
    ("", []),
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://*.tile.openstreetmap.org"]),
    ("http://tiles.example.cn:8080/{z}/{x}/{y}.png", ["http://tiles.example.cn:8080"]),
])
def test_map_tile_origin_is_the_csp_image_source(url, source):
    assert tile_source(url) == source


@pytest.mark.parametrize("url", ["//tiles.example.cn/{z}.png", "https://a.{s}.example.cn/{z}.png",
                                 "javascript:alert(1)"])
def test_map_tile_url_that_is_no_origin_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        tile_source(url)


# ---- headers and Content-Security-Policy ----

def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_answers_carry_the_policy_too(client):
    assert "default-src 'self'" in client.get("/api/v1/households/")["Content-Security-Policy"]


# The site's templates: templates/ and every project app's templates/ (the installed packages' are theirs).
TEMPLATE_DIRS = [ROOT / "templates", *sorted(p for p in ROOT.glob("*/templates") if p.parent.name != "node_modules")]
TEMPLATE_FILES = sorted(path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html"))


def template_id(path):
    return str(path.relative_to(ROOT))


def test_the_scans_see_every_apps_templates():
    assert {"dashboards", "households", "assessments", "imports", "work"} <= {d.parent.name for d in TEMPLATE_DIRS}


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=template_id)
def test_templates_have_no_inline_script_style_or_event_handler(path):
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"{% comment %}.*?{% endcomment %}", "", html, flags=re.S)
    assert not [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag], "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=template_id)
def test_every_post_form_carries_the_csrf_token(path):
    html = path.read_text(encoding="utf-8")
    forms = re.findall(r"<form\b[^>]*>(.*?)</form>", html, flags=re.S | re.I)
    posting = re.findall(r"<form\b[^>]*method=[\"']post[\"'][^>]*>(.*?)</form>", html, flags=re.S | re.I)
    assert all("{% csrf_token %}" in body for body in posting), "a POST form without {% csrf_token %}"
    assert len(posting) <= len(forms)


def test_the_csrf_scan_sees_the_post_forms():
    posting = [p for p in TEMPLATE_FILES
               if re.search(r"<form\b[^>]*method=[\"']post[\"']", p.read_text(encoding="utf-8"), flags=re.I)]
    assert len(posting) >= 10, posting


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(lisi):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "lisi", "password": PASSWORD})
    assert response.status_code == 403
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_swagger_ui_loads_its_init_script_from_a_file(client):
    html = client.get("/api/docs/").content.decode()
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags and all("src=" in tag for tag in tags)
    assert "<style" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# ---- sessions and login throttling ----

@pytest.fixture
def lisi(django_user_model):
    return django_user_model.objects.create_user("lisi", password=PASSWORD)


@pytest.mark.django_db
def test_session_ends_with_the_browser(client, lisi):
    response = client.post(reverse("login"), {"username": "lisi", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


@pytest.mark.django_db
def test_five_failed_logins_lock_the_username_from_that_address(client, lisi, django_user_model):
    django_user_model.objects.create_user("zhangsan", password=PASSWORD)
    for _ in range(4):
        assert client.post(reverse("login"), {"username": "lisi", "password": "wrong"}).status_code == 200
    locked = client.post(reverse("login"), {"username": "lisi", "password": "wrong"})
    assert locked.status_code == 429
    again = client.post(reverse("login"), {"username": "lisi", "password": PASSWORD})  # even the right password
    assert again.status_code == 429
    assert "登录失败次数过多" in again.content.decode() and "15 分钟" in again.content.decode()
    assert "_auth_user_id" not in client.session
    # the lockout is by username and address: another account from the same address still signs in
    assert client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_failed_logins_from_another_address_do_not_lock_this_one(client, lisi):
    for _ in range(5):
        client.post(reverse("login"), {"username": "lisi", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    assert client.post(reverse("login"), {"username": "lisi", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_token_endpoint_counts_failures_and_refuses_while_locked(client, lisi):
    url = reverse("api:token")
    assert client.post(url, {"username": "lisi", "password": PASSWORD}).status_code == 200
    for _ in range(5):
        assert client.post(url, {"username": "lisi", "password": "wrong"}).status_code == 400
    refused = client.post(url, {"username": "lisi", "password": PASSWORD})
    assert refused.status_code == 400 and "token" not in refused.json()
    # the failures on the API lock the login form too (same username, same address)
    assert client.post(reverse("login"), {"username": "lisi", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
@override_settings(CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
def test_behind_the_proxy_an_attacker_locks_only_their_own_address(client, lisi):
    """Production (issue 25, item 2): every request reaches Django from nginx at 127.0.0.1 with the client's
    address in X-Real-IP. Five wrong passwords from one client lock that client out, not the account."""
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(5):
        client.post(reverse("login"), {"username": "lisi", "password": "wrong"}, HTTP_X_REAL_IP="203.0.113.7",
                    **proxy)
    assert client.post(reverse("login"), {"username": "lisi", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.7",
                       **proxy).status_code == 429
    assert client.post(reverse("login"), {"username": "lisi", "password": PASSWORD}, HTTP_X_REAL_IP="198.51.100.4",
                       **proxy).status_code == 302
    # the token endpoint likewise: the attacker's failures there do not refuse the owner's token
    url = reverse("api:token")
    for _ in range(5):
        client.post(url, {"username": "lisi", "password": "wrong"}, HTTP_X_REAL_IP="203.0.113.8", **proxy)
    owner = client.post(url, {"username": "lisi", "password": PASSWORD}, HTTP_X_REAL_IP="198.51.100.4", **proxy)
    assert owner.status_code == 200 and "token" in owner.json()


@pytest.mark.django_db
def test_without_the_proxy_setting_a_sent_header_changes_nothing(client, lisi):
    """In development no proxy sets X-Real-IP: a client sending one cannot escape its lockout by varying it."""
    for n in range(5):
        client.post(reverse("login"), {"username": "lisi", "password": "wrong"}, HTTP_X_REAL_IP=f"10.1.1.{n}")
    assert client.post(reverse("login"), {"username": "lisi", "password": PASSWORD},
                       HTTP_X_REAL_IP="10.9.9.9").status_code == 429


# ---- query strings and request sizes ----

@pytest.mark.parametrize("query", ["q=a%00b", "%00=1", f"q={'x' * (MAX_QUERY_VALUE_LENGTH + 1)}",
                                   f"{'k' * (MAX_QUERY_VALUE_LENGTH + 1)}=1"])
def test_page_query_with_nul_or_overlong_value_is_a_plain_400_before_the_login_wall(client, query):
    response = client.get(f"/households/?{query}")  # anonymous: a view would redirect to the login page
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "查询参数" in response.content.decode()


@pytest.mark.parametrize("query", ["search=a%00b", f"search={'x' * (MAX_QUERY_VALUE_LENGTH + 1)}"])
def test_api_query_with_nul_or_overlong_value_is_a_json_400(client, query):
    response = client.get(f"/api/v1/households/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/households/99999999999999999999/", "/assessments/1/cadres/99999999999999999999/",
                                  "/work/measures/9223372036854775808/edit/"])
def test_a_path_id_beyond_a_database_key_is_a_404(client, django_user_model, path):
    """Issue 25, item 10 (found by .ci/fuzz-site): SQLite cannot bind it, which was a 500."""
    client.force_login(django_user_model.objects.create_superuser("root", password="x-long-password-1"))
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_id_converter_keeps_every_64_bit_key():
    assert reverse("households:detail", args=[2**63 - 1]) == f"/households/{2**63 - 1}/"
    assert resolve(f"/households/{2**63 - 1}/").kwargs == {"household_id": 2**63 - 1}


def test_query_value_at_the_limit_passes_the_guard(client):
    response = client.get(f"/households/?q={'x' * MAX_QUERY_VALUE_LENGTH}")
    assert response.status_code == 302  # on to the login wall


def test_too_many_form_fields_are_refused_with_the_limit_named(client):
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("login"), fields)
    assert response.status_code == 400
    assert "一次请求的参数或字段超过 500 个的上限。" in response.content.decode()


def test_too_large_form_body_is_refused_with_the_limit_named(client):
    body = {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "password": "x"}
    response = client.post(reverse("login"), body)
    assert response.status_code == 400
    assert "提交的数据超过 2.5 MB 的上限。" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_an_oversized_body_or_too_many_fields_in_json(django_user_model):
    """Issue 25, item 10: Django refuses these before any view, and its own 400 page is English HTML."""
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(django_user_model.objects.create_superuser("root", password="x-long-password-1"))
    big = json.dumps({"note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    many = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    answers = [
        client.post("/api/v1/measures/", big, content_type="application/json"),
        client.post("/api/v1/measures/", many, content_type="application/x-www-form-urlencoded"),
        client.get(f"/api/v1/households/?{many}"),
    ]
    assert [response.status_code for response in answers] == [400, 400, 400]
    assert [response.json() for response in answers] == [
        {"detail": "提交的数据超过 2.5 MB 的上限。文件请用上传字段提交，大量数据请用数据导入。"},
        {"detail": "一次请求的参数或字段超过 500 个的上限。"},
        {"detail": "一次请求的参数或字段超过 500 个的上限。"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["production", "make-run"])
def test_a_missing_page_is_the_sites_own_in_its_layout_with_a_way_back(client, django_user_model, settings, debug):
    """Issue 32, item 1: under `make run` too (DEBUG), not Django's technical page listing the URL patterns."""
    settings.DEBUG = debug
    client.force_login(django_user_model.objects.create_user("viewer", password="x-long-password-1"))
    for path in ("/households/no-such-page/", "/households/99999/"):  # no pattern; a view's Http404
        response = client.get(path, HTTP_REFERER="http://testserver/households/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "页面不存在" in page and "不在您负责的地区内" in page and 'lang="zh-hans"' in page
        assert 'href="http://testserver/households/">返回上一页' in page and "返回首页" in page
        assert "navbar" in page and "URLconf" not in page
    foreign = client.get("/households/99999/", HTTP_REFERER="https://evil.example/")
    assert "返回上一页" not in foreign.content.decode()
    assert client.get("/api/v1/no-such-route/").json() == {"detail": "未找到。"}
    assert client.get("/households").status_code == 301  # the slash is still added first


@pytest.mark.django_db
def test_the_technical_404_is_a_developers_choice(client, django_user_model, settings):
    settings.DEBUG, settings.TECHNICAL_404 = True, True
    client.force_login(django_user_model.objects.create_user("viewer", password="x-long-password-1"))
    assert "URLconf" in client.get("/households/no-such-page/").content.decode()


@pytest.mark.django_db
def test_a_forbidden_action_is_the_sites_own_page_in_english_too(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("viewer", password="x-long-password-1"))
    response = client.get("/assessments/new/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Not permitted" in page and "Back to home" in page and 'lang="en"' in page


def test_a_server_error_and_a_refused_request_are_drawn_without_the_database():
    """No django_db mark: a query would raise here."""
    request = RequestFactory().get("/households/")
    with translation.override("zh-hans"):
        answers = [server_error(request), bad_request(request, TooManyFieldsSent())]
    assert [answer.status_code for answer in answers] == [500, 400]
    assert "服务器出错" in answers[0].content.decode() and "500 个" in answers[1].content.decode()


def test_upload_limits_agree_with_the_import_limit_and_the_proxy():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= MAX_UPLOAD_BYTES
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    proxy_limit = int(re.search(r"client_max_body_size (\d+)m;", readme).group(1)) * 1024 * 1024
    assert MAX_UPLOAD_BYTES < proxy_limit <= MAX_UPLOAD_BYTES + 2 * 1024 * 1024


# ---- passwords ----

@pytest.mark.parametrize("password", ["lisi", "12345678", "password", "abc"])
def test_weak_passwords_are_refused(password, django_user_model):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = django_user_model(username="lisi")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_the_password_change_form_refuses_a_weak_password(client, lisi):
    client.force_login(lisi)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200  # the form again, with its errors
    lisi.refresh_from_db()
    assert lisi.check_password(PASSWORD)
