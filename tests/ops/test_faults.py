"""Database gone: pages answer a plain Chinese 503 page, the API a JSON 503, both with Retry-After; then recovery."""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory

from accounts.models import ApiToken
from povertyboard.faults import DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def database_gone(error=OperationalError):
    """Every query of the request fails as when the server is down or the connection dropped."""
    return mock.patch.object(connection, "cursor", side_effect=error("could not connect to server"))


def assert_friendly_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    html = response.content.decode()
    assert "服务暂时不可用" in html and "数据库暂时无法连接" in html
    assert "Traceback" not in html and "OperationalError" not in html and "could not connect" not in html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_page_answers_503_while_the_database_is_gone_and_recovers(world, error):
    client = Client(raise_request_exception=False)  # as a real server: no exception re-raised into the test
    client.force_login(world.staff)
    with database_gone(error):  # the session and the user are read from the database before the view
        response = client.get("/households/")
    assert_friendly_page(response)
    assert client.get("/households/").status_code == 200  # the database is back: the next request works


def test_api_answers_json_503_and_recovers(world):
    _row, token = ApiToken.objects.create(user=world.staff)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
    with database_gone():  # the token is looked up inside the view (DRF authentication)
        response = client.get("/api/v1/households/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"].isdigit()
    assert set(response.json()) == {"detail"} and "数据库" in response.json()["detail"]
    assert client.get("/api/v1/households/").status_code == 200


def test_error_raised_by_the_view_is_answered_by_process_exception():
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse("never"))
    request = RequestFactory().get("/areas/632801/")
    response = middleware.process_exception(request, OperationalError("server closed the connection"))
    assert_friendly_page(response)
    api = middleware.process_exception(RequestFactory().get("/api/v1/counties/"), InterfaceError("closed"))
    assert api.status_code == 503 and json.loads(api.content)["detail"]
    assert middleware.process_exception(request, ValueError("not a database fault")) is None


def test_a_stopped_database_server_answers_503_not_500():
    """A real connection refused: the site pointed at a PostgreSQL port nobody listens on (works without PG)."""
    script = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "x" * 32  # a signed-in browser: its session must be read from the database
page = client.get("/households/")
api = Client(raise_request_exception=False).get("/api/v1/households/", HTTP_AUTHORIZATION="Token " + "a" * 40)
print(page.status_code, page["Retry-After"], api.status_code, api["Content-Type"])
print("Traceback" in page.content.decode())
"""
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nodb", "DJANGO_SETTINGS_MODULE":
           "povertyboard.settings"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    status_line, traceback_shown = result.stdout.strip().splitlines()[-2:]
    assert status_line == "503 30 503 application/json"
    assert traceback_shown == "False"
