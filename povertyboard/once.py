"""Creates that happen once per key, however often the request comes: a double tap on a phone, a reload of the
POST, a client retrying after a timeout, or all of them at once.

A key is claimed in the transaction that makes the create, by inserting it into the used keys (the table of the
`idempotency` app, looked up late: the library knows no app). The first request inserts it and creates; a repeat
finds it used and answers what the first request answered, creating nothing. A repeat racing the first one waits
on the key's unique index (PostgreSQL) or on the database lock (SQLite) until the first commits, then replays
it. A create that fails (bad input) rolls its claim back with it, so the corrected request may use the same key.

Keys are scoped per user (another user's key is a new key, never a replay) and kept for KEPT_FOR.

- The site: a create form carries TOKEN_FIELD (`token_field()`), a token issued when the form is rendered;
  the view runs its create through `submit_once`.
- The API: a POST create with an Idempotency-Key header (povertyboard/api/idempotency.py) uses `claimed`.
"""

import datetime
import hashlib
import json
import secrets
from contextlib import contextmanager

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

KEPT_FOR = datetime.timedelta(hours=24)
TOKEN_FIELD = "once_token"


class KeyReused(Exception):
    """The key was used before by the same user for another request."""


class Claim:
    """A claimed key. `answer` is the first request's answer when this one is a repeat (create nothing, answer
    that); else None: create, then keep() the answer. A claim not kept is rolled back: the key stays unused."""

    def __init__(self, used_key, answer: dict | None):
        self.used_key, self.answer, self.kept = used_key, answer, False

    def keep(self, answer: dict) -> None:
        self.used_key.answer = answer
        self.used_key.save(update_fields=["answer"])
        self.kept = True


def digest(*parts) -> str:
    """A short fingerprint of what a request asked for, to tell a repeat from another request with the same key."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def claimed(*, user, key: str, request_digest: str):
    """A transaction holding the user's claim of `key` (a Claim); KeyReused if the key was used for another
    request. The user's keys older than KEPT_FOR are forgotten first."""
    used_keys = apps.get_model("idempotency", "UsedKey")
    with transaction.atomic():
        used_keys.objects.filter(user=user, used_at__lt=timezone.now() - KEPT_FOR).delete()
        try:
            with transaction.atomic():
                claim = Claim(used_keys.objects.create(user=user, key=key, request=request_digest), None)
        except IntegrityError:  # used already, or by a twin request whose transaction has now committed
            used = used_keys.objects.get(user=user, key=key)
            if used.request != request_digest:
                raise KeyReused(key) from None
            yield Claim(used, used.answer)
            return
        yield claim
        if not claim.kept:
            transaction.set_rollback(True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_field() -> forms.CharField:
    """The hidden one-use token of a create form, declared as its TOKEN_FIELD: a new one each time an unbound form
    is rendered; a form shown again with errors keeps the token it was sent with (that submit created nothing,
    so the token is unused)."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=100, initial=new_token)


def submit_once(request, form, create):
    """Run `create()` once per form token. `create` makes the form's create and answers its redirect, or None
    after putting the service's errors on the form (that submit created nothing; the token stays unused).

    A repeat of a used token creates nothing and is sent where the first submit went, with a message saying
    so. A POST without a token (not the site's form) is created as it comes: it has nothing to repeat."""
    token = form.cleaned_data.get(TOKEN_FIELD)
    if not token:
        return create()
    try:
        with claimed(user=request.user, key=token, request_digest=digest("site", request.path)) as claim:
            if claim.answer is not None:
                messages.info(request, _("此表单已经提交过，没有重复保存。"))
                return redirect(claim.answer["location"])
            response = create()
            if response is not None:
                claim.keep({"location": response["Location"]})
            return response
    except KeyReused:
        raise PermissionDenied from None  # a token moved from another form: no browser does that
