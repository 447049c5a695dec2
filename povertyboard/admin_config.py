"""django.contrib.admin with the superuser-only site (povertyboard/admin_site.py) as admin.site.

Apart from the site module because INSTALLED_APPS imports this one before the app registry is ready, and the
site's login form needs the auth models.
"""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "povertyboard.admin_site.SuperuserAdminSite"
