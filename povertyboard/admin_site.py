"""The Django admin opens to superusers only.

The admin's changelists and forms know nothing of areas or of the masks the site applies to resident IDs
and phones (povertyboard/privacy.py), so a staff-flagged county user with one "view" permission would read
every county's whole IDs there (issue 25, item 12). Rather than teach every admin class the site's scoping
twice, the admin stays what README's roles table says it is: the administrator's tool. County staff work in
the site, whose pages, API and exports are scoped and masked in one place.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SuperuserLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("请输入管理员账号的用户名和密码。管理后台只对管理员开放，其他用户请在网站中工作。"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class SuperuserAdminSite(AdminSite):
    login_form = SuperuserLoginForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
