from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("仪表盘与报告核对")

    def ready(self):
        from . import snapshots

        snapshots.connect_signals()
