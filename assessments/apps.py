from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("331考核")

    def ready(self):
        from cadres.services import REQUIRED_DAYS_RULES

        from .services import period_required_days

        if period_required_days not in REQUIRED_DAYS_RULES:
            REQUIRED_DAYS_RULES.append(period_required_days)
