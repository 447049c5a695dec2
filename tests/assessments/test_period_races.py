"""Closing a period and saving its rules serialize on the period row: a closed period stays closed (issue 25 item 5).

A rules form is validated against the period as it was loaded; the period may be closed before the form is saved.
The save must re-read the period under its lock, refuse with the "period closed" message, and never write the
stale `closed=False` back.
"""

from decimal import Decimal
from functools import partial
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.forms import RulesForm
from assessments.models import AssessmentPeriod
from povertyboard import access
from tests.factories import make_county, make_period
from tests.support import at_once, make_user

CLOSED_MESSAGE = "考核期已结束，规则已冻结，不能修改。"
RULES = {"weight_attendance": 3, "weight_duty": 3, "weight_satisfaction": 4, "bonus_cap": "8",
         "absence_deduction": "2", "required_days_per_month": 20, "basic_satisfied_factor": "0.6",
         "threshold_excellent": "90", "threshold_competent": "75", "threshold_basic": "60"}


@pytest.fixture
def setup(db, django_user_model):
    county = make_county("632801", name="格尔木市")
    supervisor = make_user(django_user_model, "supervisor", access.SUPERVISOR, county)
    return county, supervisor


def test_a_rules_save_from_a_stale_instance_is_refused_and_leaves_the_period_closed(setup):
    county, supervisor = setup
    period = make_period(county)
    stale = AssessmentPeriod.objects.get(pk=period.pk)  # loaded before the close
    services.close_period(user=supervisor, period=period)

    with pytest.raises(ValidationError) as refused:
        services.save_rules(user=supervisor, period=stale, bonus_cap=Decimal("8"))

    assert refused.value.messages == [CLOSED_MESSAGE]
    stored = AssessmentPeriod.objects.get(pk=period.pk)
    assert (stored.closed, stored.bonus_cap) == (True, Decimal("10"))


def test_rules_saved_after_the_form_was_validated_against_the_open_period_are_refused(setup, client):
    """The page's race made deterministic: the period is closed between the form's validation and the save."""
    county, supervisor = setup
    period = make_period(county)
    client.force_login(supervisor)
    validate = RulesForm._post_clean  # the last step of is_valid(): the model's clean() found the period open

    def validate_then_someone_closes(form):
        validate(form)
        AssessmentPeriod.objects.filter(pk=period.pk).update(closed=True)

    with mock.patch.object(RulesForm, "_post_clean", validate_then_someone_closes):
        response = client.post(reverse("assess:rules", args=[period.pk]), RULES)

    assert response.status_code == 400
    assert CLOSED_MESSAGE in response.content.decode()
    assert "disabled" in response.content.decode()  # the form is now shown read-only
    stored = AssessmentPeriod.objects.get(pk=period.pk)
    assert (stored.closed, stored.bonus_cap) == (True, Decimal("10"))


def test_the_rules_save_writes_only_the_rules(setup):
    county, supervisor = setup
    period = make_period(county, name="2016年度")
    stale = AssessmentPeriod.objects.get(pk=period.pk)
    AssessmentPeriod.objects.filter(pk=period.pk).update(name="2016年度（改）")
    services.save_rules(user=supervisor, period=stale, bonus_cap=Decimal("8"))
    stored = AssessmentPeriod.objects.get(pk=period.pk)
    assert (stored.name, stored.bonus_cap, stored.closed) == ("2016年度（改）", Decimal("8"), False)


@pytest.mark.django_db(transaction=True)  # each thread commits on its own connection
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has no row locks (select_for_update is a no-op; writers lock the whole file)")
def test_close_racing_a_rules_save_always_ends_closed(django_user_model):
    county = make_county("632801", name="格尔木市")
    supervisor = make_user(django_user_model, "supervisor", access.SUPERVISOR, county)
    closer, editor = Client(), Client()
    closer.force_login(supervisor)
    editor.force_login(supervisor)
    for round_ in range(12):
        period = make_period(county)
        bonus_cap = f"{round_ + 1}.50"
        closed, saved = at_once(partial(closer.post, reverse("assess:close", args=[period.pk])),
                                partial(editor.post, reverse("assess:rules", args=[period.pk]),
                                        {**RULES, "bonus_cap": bonus_cap}))

        assert closed.status_code == 302
        stored = AssessmentPeriod.objects.get(pk=period.pk)
        assert stored.closed, f"round {round_}: the rules save reopened the closed period"
        if saved.status_code == 302:  # saved before the close took the lock
            assert stored.bonus_cap == Decimal(bonus_cap)
        else:
            assert saved.status_code == 400
            assert CLOSED_MESSAGE in saved.content.decode()
            assert stored.bonus_cap == Decimal("10")
