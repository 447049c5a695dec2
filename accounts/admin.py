"""Every user's API tokens for administrators: who, which (prefix), since and until when; delete revokes.

No add page: a token is made by its owner's login (or `manage.py create_api_token`), and its secret is
shown only to whoever made it. No change page either: nothing of a token is editable.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "token_prefix", "created", "expiry")
    list_select_related = ("user",)
    list_filter = ("created", "expiry")
    search_fields = ("user__username", "token_key")
    date_hierarchy = "created"
    fields = ("user", "token_prefix", "created", "expiry")
    readonly_fields = fields

    @admin.display(description=_("令牌开头"))
    def token_prefix(self, token):
        return token.prefix

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
