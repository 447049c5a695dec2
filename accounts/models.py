"""API tokens (django-rest-knox, KNOX_TOKEN_MODEL): only a digest of each token is stored, never the token.

knox's own model has the digest as its primary key; this one has a plain id, so that an owner or an
administrator can name a token (DELETE /api/v1/auth/tokens/<id>/) without handling its digest.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

PREFIX_LENGTH = 8  # what an owner sees of a token to recognise it: 32 of its 256 random bits


class ApiToken(AbstractAuthToken):
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(_("摘要"), max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    # knox finds a token's row by these first characters, then compares the digest
    token_key = models.CharField(_("查找键"), max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH
                                 + CONSTANTS.TOKEN_KEY_LENGTH, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="auth_token_set")  # the name knox's views and expiry cleanup use
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expiry = models.DateTimeField(_("过期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def prefix(self) -> str:
        return self.token_key[:PREFIX_LENGTH]
