"""Settings come from the environment; production refuses the development secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SUMMARY = ("[settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS, "
           "settings.LANGUAGE_CODE, settings.TIME_ZONE]")


def load_settings(printed: str = SUMMARY, **env) -> subprocess.CompletedProcess:
    """Loads the settings in a fresh interpreter under ``env`` and prints ``printed`` as JSON."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    environment.update(env)
    code = f"import django, json; from django.conf import settings; django.setup(); print(json.dumps({printed}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**environment, "DJANGO_SETTINGS_MODULE": "povertyboard.settings"})


def test_production_refuses_the_development_secret():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_private_secret_and_postgres_url():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db.example:5432/pb",
                           ALLOWED_HOSTS="pb.example.cn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, "django.db.backends.postgresql", ["pb.example.cn"], "zh-hans", "Asia/Shanghai"]'
    )


def test_development_defaults_to_sqlite():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert '"django.db.backends.sqlite3"' in result.stdout


def test_the_database_url_keeps_its_options_beside_the_prepared_statements():
    result = load_settings("settings.DATABASES['default']['OPTIONS']",
                           DATABASE_URL="postgres://u@db.example:5432/pb?sslmode=require")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '{"sslmode": "require", "server_side_binding": true, "prepare_threshold": 1}'


def test_production_counts_lockouts_by_the_address_nginx_passes():
    """Behind the README's nginx every request comes from 127.0.0.1: the lockout must key on X-Real-IP there
    (tests/test_security.py checks the lockouts with two addresses under this setting), and in development on
    the connection's address, whatever header a client sends."""
    printed = "[settings.CLIENT_ADDRESS_HEADER, settings.AXES_CLIENT_IP_CALLABLE]"
    production = load_settings(printed, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="pb.example.cn")
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == '["HTTP_X_REAL_IP", "povertyboard.middleware.client_address"]'
    development = load_settings(printed)
    assert development.stdout.strip() == '[null, "povertyboard.middleware.client_address"]'


def test_api_tokens_last_as_long_as_a_session_unless_api_token_ttl_says_otherwise():
    printed = "[settings.REST_KNOX['TOKEN_TTL'].total_seconds(), settings.SESSION_COOKIE_AGE]"
    default = load_settings(printed)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "[28800.0, 28800]"
    set_by_env = load_settings(printed, API_TOKEN_TTL="3600")
    assert set_by_env.returncode == 0, set_by_env.stderr
    assert set_by_env.stdout.strip() == "[3600.0, 28800]"
