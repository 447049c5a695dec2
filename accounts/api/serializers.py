"""What the token endpoints answer: a new token once, at login; afterwards only its prefix and dates."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import ApiToken


class LoginAnswerSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("新令牌：仅此一次返回，请求时放在 Authorization: Token <令牌> 中。"))
    expiry = serializers.DateTimeField(help_text=_("令牌的过期时间。"))


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(read_only=True, help_text=_("令牌的前 8 个字符，用于辨认。"))
    current = serializers.SerializerMethodField(help_text=_("是否为本次请求所用的令牌。"))

    class Meta:
        model = ApiToken
        fields = ("id", "prefix", "created", "expiry", "current")
        read_only_fields = fields

    def get_current(self, token) -> bool:
        return token.pk == getattr(self.context["request"].auth, "pk", None)
