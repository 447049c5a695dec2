"""Issue 32 item 6: no constraint's name ever reaches a user. Every check and unique constraint of every app says
what is wrong in words (its violation_error_message): provoked through the model's own validation, no message
names a constraint or uses Django's generic "约束 … 是无效的" wording. A new constraint without words fails here."""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.query import QuerySet
from django.utils import translation

APPS = ("villages", "households", "cadres", "assessments", "accounts", "idempotency")
CONSTRAINTS = [(model, constraint) for app in APPS for model in apps.get_app_config(app).get_models()
               for constraint in model._meta.constraints]


def some_value(field):
    """A non-null value of the field's type, so that a unique check is not skipped for a NULL."""
    if field.is_relation or isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.DateTimeField):
        return datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)
    if isinstance(field, models.DateField):
        return datetime.date(2016, 1, 1)
    if isinstance(field, models.BooleanField):
        return True
    return "x"


def provoked(model, constraint) -> list[str]:
    """The messages validate_constraints() gives when the constraint is violated (the database's answer faked: a
    check fails, another row exists)."""
    instance = model()
    for name in getattr(constraint, "fields", ()):
        field = model._meta.get_field(name)
        setattr(instance, field.attname, some_value(field))
    with mock.patch.object(Q, "check", return_value=False), mock.patch.object(QuerySet, "exists", return_value=True):
        try:
            constraint.validate(model, instance)
        except ValidationError as error:
            return error.messages
    return []


def test_every_app_has_constraints():
    assert len(CONSTRAINTS) > 70


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=[c.name for _m, c in CONSTRAINTS])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_violated_constraint_says_what_is_wrong_in_words(model, constraint, language):
    if isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None:
        pytest.skip("faking the database cannot provoke a conditional unique constraint; its words are checked below")
    with translation.override(language):
        messages = provoked(model, constraint)
        assert messages, f"{constraint.name} was not provoked"
        default = str(constraint.default_violation_error_message) % {"name": constraint.name}
        for message in messages:
            assert constraint.name not in message and message != default
            assert "约束" not in message and "constraint" not in message.lower()


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=[c.name for _m, c in CONSTRAINTS])
def test_every_constraint_has_its_own_message(model, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message
    assert constraint.violation_error_code
    message = str(constraint.get_violation_error_message())
    assert constraint.name not in message and "约束" not in message
