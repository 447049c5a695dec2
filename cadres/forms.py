"""Forms for a cadre's own reports: monthly attendance, annual commitment, quarterly report."""

import calendar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.forms import BootstrapMixin

from .models import AnnualCommitment, AttendanceReport, QuarterlyReport


class MonthField(forms.DateField):
    """A month entered as YYYY-MM (an <input type="month">), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        date = super().to_python(value)
        return date.replace(day=1) if date else date


class AttendanceReportForm(BootstrapMixin, forms.ModelForm):
    month = MonthField(label=_("月份"))

    class Meta:
        model = AttendanceReport
        fields = ["month", "days_present", "leave_days", "reported_outings", "unreported_absences"]
        labels = {"days_present": _("驻村天数")}
        help_texts = {
            "days_present": _("驻村、请假、报备外出和未报备离岗天数之和不能超过当月天数。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("days_present", "leave_days", "reported_outings", "unreported_absences"):
            self.fields[name].widget.attrs.update(min=0, max=31, inputmode="numeric")
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("month", timezone.localdate().replace(day=1))

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("不能填报未来月份的考勤。"))
        return month

    def clean(self):
        data = super().clean()
        month = data.get("month")
        if month:
            days = calendar.monthrange(month.year, month.month)[1]
            used = sum(data.get(n) or 0 for n in ("days_present", "leave_days", "reported_outings",
                                                   "unreported_absences"))
            if used > days:
                self.add_error("days_present", _("驻村、请假、外出与离岗天数合计 %(used)s 天，超过本月 %(days)s 天。")
                               % {"used": used, "days": days})
        return data

    def _post_clean(self):
        pass  # the service checks the stored row (owner, lock, duplicate month, model rules)


class CommitmentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AnnualCommitment
        fields = ["content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def _post_clean(self):
        pass


class QuarterlyReportForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = QuarterlyReport
        fields = ["content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def _post_clean(self):
        pass
