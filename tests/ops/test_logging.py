"""Logs without personal data: whole resident IDs and mobile numbers never reach a log record."""

import logging

import pytest
from django.conf import settings
from django.test import Client

from povertyboard.logging import MaskPersonalData, mask_personal_data

RESIDENT_ID = "632821199001011234"
MOBILE = "13812345678"


def test_mask_keeps_area_code_and_last_four_and_leaves_other_numbers():
    assert mask_personal_data(f"id={RESIDENT_ID}&x=63282119900101123X") == \
        "id=632821********1234&x=632821********123X"
    assert mask_personal_data(f"tel {MOBILE}, 0979-8412345") == "tel 138****5678, 0979-8412345"
    # not personal data: longer digit runs, amounts, village codes (12 digits), negative numbers
    untouched = "6328211990010112345 12345678901 632801101001 -1380.50 code 23812345678"
    assert mask_personal_data(untouched) == untouched


def test_filter_masks_arguments_and_traceback():
    try:
        raise ValueError(f"bad id {RESIDENT_ID}")
    except ValueError as error:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "member %s phone %s", (RESIDENT_ID, MOBILE),
                                   (type(error), error, error.__traceback__))
    assert MaskPersonalData().filter(record) is True
    assert record.getMessage() == "member 632821********1234 phone 138****5678"
    assert RESIDENT_ID not in logging.Formatter().format(record)
    assert "632821********1234" in record.exc_text


def test_settings_put_the_filter_on_every_handler_and_request_logger():
    config = settings.LOGGING
    assert all("mask_personal_data" in handler["filters"] for handler in config["handlers"].values())
    for name in ("django.request", "django.server"):
        assert logging.getLogger(name).filters and isinstance(logging.getLogger(name).filters[0], MaskPersonalData)
    assert config["root"]["handlers"] == ["console"] and config["loggers"]["django"]["handlers"] == []


@pytest.mark.django_db
def test_request_with_a_resident_id_in_the_url_logs_it_masked(caplog, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("reader"))
    with caplog.at_level(logging.INFO):
        response = client.get(f"/households/{RESIDENT_ID}/?id_number={RESIDENT_ID}&phone={MOBILE}")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the 404 is logged by django.request"
    text = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert RESIDENT_ID not in text and MOBILE not in text
    assert "632821********1234" in records[0].getMessage()


def test_development_server_request_line_with_a_query_string_is_masked(caplog):
    """runserver logs the whole request line, query string included (django.server does not propagate)."""
    server = logging.getLogger("django.server")
    server.addHandler(caplog.handler)
    try:
        server.info('"%s" %s %s', f"GET /api/v1/households/?search={RESIDENT_ID}&phone={MOBILE} HTTP/1.1", 200, 9)
    finally:
        server.removeHandler(caplog.handler)
    assert caplog.records[-1].getMessage() == \
        '"GET /api/v1/households/?search=632821********1234&phone=138****5678 HTTP/1.1" 200 9'
