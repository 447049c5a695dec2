"""A create's key (a site form's one-use token, an API client's Idempotency-Key), stored with the answer of the
request that used it first; povertyboard/once.py claims, answers and forgets them."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # a digest of the request that used the key: the same key sent with another request is refused, not replayed
    request = models.CharField(max_length=64)
    answer = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # also the index of forgetting a user's old keys (povertyboard.once.claimed)
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="key_used_once_per_user",
                                               violation_error_code="unique_together",
                                               violation_error_message=_("这个请求已经提交过。"))]

    def __str__(self):
        return self.key
