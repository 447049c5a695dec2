"""With REDIS_URL, sessions are read from the shared Redis cache (cached_db): a page reads its session without
a query, and a logout removes it from the cache that every worker reads.

Needs the Redis of these machines (REDIS_URL, or 127.0.0.1:6379); skipped where none answers, except under
REQUIRE_REDIS=1 (.ci/run), where a missing Redis fails the test instead of hiding it.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_settings import load_settings
from villages.seed import seed_reports

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                 "KEY_PREFIX": "povertyboard-test"},
}
SESSIONS_IN_REDIS = override_settings(CACHES=CACHES, SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
                                      SESSION_CACHE_ALIAS="sessions")


def redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_sessions(db):
    if not redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"no Redis answers at {REDIS_URL} (REQUIRE_REDIS=1)")
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    with SESSIONS_IN_REDIS:
        yield caches["sessions"]


def session_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_redis_url_turns_on_cached_db_sessions():
    result = load_settings("[settings.SESSION_ENGINE, settings.SESSION_CACHE_ALIAS, "
                           "settings.CACHES['sessions']['LOCATION']]", REDIS_URL="redis://cache.example:6379/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["django.contrib.sessions.backends.cached_db", "sessions", ' \
                                    '"redis://cache.example:6379/1"]'


def test_without_redis_url_sessions_stay_in_the_database():
    result = load_settings("settings.SESSION_ENGINE")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '"django.contrib.sessions.backends.db"'


def test_a_page_reads_its_session_from_redis_not_the_database(redis_sessions, django_user_model):
    seed_reports()
    client = Client()
    client.force_login(django_user_model.objects.get(username="staff"))
    url = reverse("areas:county", args=["632821"])
    assert session_queries(client, url) == []
    assert redis_sessions.get("django.contrib.sessions.cached_db" + client.session.session_key)


def test_a_logout_removes_the_session_from_redis(redis_sessions, django_user_model):
    seed_reports()
    client = Client()
    client.force_login(django_user_model.objects.get(username="staff"))
    key = client.session.session_key
    url = reverse("areas:county", args=["632821"])
    assert client.get(url).status_code == 200
    client.post(reverse("logout"))
    assert redis_sessions.get("django.contrib.sessions.cached_db" + key) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, kept by another tab or a thief
    assert client.get(url).status_code == 302  # to the login page
