"""Supervisors' forms: a period's rules and the scoring inputs (duty ratings, surveys, bonus items, vetoes)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import UniqueConstraint
from django.urls import reverse
from django.utils.html import format_html
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
    """An input of one period: the cadre is chosen among the period's cadres; the period is fixed.

    Where a cadre has at most one input of the kind (per period, or per period and group), the pick list marks the
    cadres who have one already, and choosing one answers with a link to edit it."""

    kind = ""  # the kind in the URL (INPUT_FORMS)
    taken_mark = None  # how the pick list marks a cadre who has an input of the kind already

    def __init__(self, *args, period: AssessmentPeriod, **kwargs):
        kwargs.setdefault("instance", self._meta.model(period=period))
        super().__init__(*args, **kwargs)
        self.instance.period = period
        self.fields["cadre"].queryset = cadres_of(period)
        if self.taken_mark is not None:
            taken = self.taken(period)
            self.fields["cadre"].label_from_instance = lambda cadre: (
                f"{cadre}（{self.taken_mark(taken[cadre.pk])}）" if cadre.pk in taken else str(cadre))

    def taken(self, period) -> dict:
        """Cadre id → the period's other inputs of this kind for that cadre."""
        taken = {}
        for row in self._meta.model.objects.filter(period=period).exclude(pk=self.instance.pk).order_by("pk"):
            taken.setdefault(row.cadre_id, []).append(row)
        return taken

    def _post_clean(self):
        super()._post_clean()
        # The period is not a form field, so Django skips the constraints that name it: they are checked here, so
        # that a duplicate is a field error (never an IntegrityError); fields that failed already are left out.
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() - {"period"})
        except ValidationError as error:
            self._update_errors(self.with_edit_link(error.update_error_dict({})))

    def with_edit_link(self, errors: dict) -> ValidationError:
        """A clash with the cadre's existing input, as one error on the cadre naming them, with a link to edit it."""
        model = self._meta.model
        for constraint in model._meta.constraints:
            words = str(constraint.get_violation_error_message())
            clash = [e for e in errors.get(NON_FIELD_ERRORS, []) if str(e.message) == words]
            if not (clash and isinstance(constraint, UniqueConstraint)):
                continue
            errors[NON_FIELD_ERRORS] = [e for e in errors[NON_FIELD_ERRORS] if e not in clash]
            existing = (model.objects.filter(**{f: getattr(self.instance, f) for f in constraint.fields})
                        .exclude(pk=self.instance.pk).first())
            what = {"cadre": self.instance.cadre, "input": model._meta.verbose_name}
            message = _("%(cadre)s在本考核期已有%(input)s，不能重复录入。") % what
            if existing is not None:
                url = reverse("assess:input_edit", args=[self.instance.period_id, self.kind, existing.pk])
                message = format_html('{} <a href="{}">{}</a>', message, url, _("修改已有的%(input)s") % what)
            errors.setdefault("cadre", []).append(ValidationError(message, code="exists"))
        return ValidationError({name: messages for name, messages in errors.items() if messages})


class DutyRatingForm(PeriodInputForm):
    kind = "duty"

    @staticmethod
    def taken_mark(rows):
        return _("已评分")

    class Meta:
        model = DutyRating
        fields = ["cadre", "score", "rater_name", "comment"]


class SurveyForm(PeriodInputForm):
    kind = "survey"

    @staticmethod
    def taken_mark(rows):
        return _("已测评：%(groups)s") % {"groups": "、".join(str(row.get_group_display()) for row in rows)}

    class Meta:
        model = SatisfactionSurvey
        fields = ["cadre", "group", "satisfied", "basically_satisfied", "unsatisfied"]


class BonusItemForm(PeriodInputForm):
    kind = "bonus"  # a cadre may have several

    class Meta:
        model = BonusItem
        fields = ["cadre", "kind", "level", "points", "note"]


class VetoForm(PeriodInputForm):
    kind = "veto"

    @staticmethod
    def taken_mark(rows):
        return _("已否决")

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
