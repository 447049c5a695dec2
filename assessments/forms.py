"""Supervisors' forms: a period's rules and the scoring inputs (duty ratings, surveys, bonus items, vetoes)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from povertyboard.forms import BootstrapMixin

from .models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Veto
from .services import RULE_FIELDS, cadres_of


class RulesForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AssessmentPeriod
        fields = list(RULE_FIELDS)  # not `closed`: the form never writes it (services.save_rules)


class PeriodForm(BootstrapMixin, forms.ModelForm):
    """A new period of one of the user's counties, with its rules (the defaults of DESIGN.md pre-filled)."""

    class Meta:
        model = AssessmentPeriod
        fields = ["county", "name", "kind", "start_date", "end_date", *RulesForm.Meta.fields]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class PeriodInputForm(BootstrapMixin, forms.ModelForm):
    """An input of one period: the cadre is chosen among the period's cadres; the period is fixed."""

    def __init__(self, *args, period: AssessmentPeriod, **kwargs):
        kwargs.setdefault("instance", self._meta.model(period=period))
        super().__init__(*args, **kwargs)
        self.instance.period = period
        self.fields["cadre"].queryset = cadres_of(period)

    def _post_clean(self):
        super()._post_clean()
        # The period is not a form field, so Django skips the (period, cadre) unique constraints;
        # check them here so a duplicate is a field error, never an IntegrityError.
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


class DutyRatingForm(PeriodInputForm):
    class Meta:
        model = DutyRating
        fields = ["cadre", "score", "rater_name", "comment"]


class SurveyForm(PeriodInputForm):
    class Meta:
        model = SatisfactionSurvey
        fields = ["cadre", "group", "satisfied", "basically_satisfied", "unsatisfied"]


class BonusItemForm(PeriodInputForm):
    class Meta:
        model = BonusItem
        fields = ["cadre", "kind", "level", "points", "note"]


class VetoForm(PeriodInputForm):
    class Meta:
        model = Veto
        fields = ["cadre", "reason"]


# kind in the URL → (form, title)
INPUT_FORMS = {
    "duty": (DutyRatingForm, _("履职评分")),
    "survey": (SurveyForm, _("满意度测评")),
    "bonus": (BonusItemForm, _("加分项")),
    "veto": (VetoForm, _("一票否决")),
}
