"""Forms of the cadres' work pages: measures and visits, monthly attendance, annual commitment, quarterly report.

Pick lists offer only what the user may choose: the villages they may write for (from the permission
layer) and that village's households. A village the user may not write for, sent by a forged POST,
is refused with 403 (PermissionDenied), not quietly dropped. The rules themselves live in
households.services and cadres.services; the forms repeat the simple ones so that errors show next to their field.
"""

import calendar

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import AnnualCommitment, AttendanceReport, QuarterlyReport
from households.models import Household, Measure, Visit
from households.services import MAX_MEASURE_AMOUNT, amount_ceiling_message
from povertyboard import once
from povertyboard.access import access_of
from povertyboard.forms import DATE_WIDGET, BootstrapMixin, MonthField
from villages.models import Village


class WritableVillageField(forms.ModelChoiceField):
    """A village chosen by its code among the user's writable villages; any other real village → 403."""

    def __init__(self, user, **kwargs):
        self.user = user
        super().__init__(queryset=access_of(user).writable_villages().order_by("code"), to_field_name="code",
                         **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.township.name}）"

    def to_python(self, value):
        if value not in self.empty_values and not self.queryset.filter(code=value).exists():
            if Village.objects.filter(code=str(value)).exists():
                raise PermissionDenied  # a forged POST for a village the user does not work for
        return super().to_python(value)


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.head_name}"


def _village_from(form_data, initial, field: WritableVillageField):
    """The village the form is about: from the POST, else from ?village=, else the user's only village."""
    code = form_data.get("village") if form_data else None
    code = code or (initial or {}).get("village")
    if isinstance(code, Village):
        return code
    villages = field.queryset
    if code:
        return villages.filter(code=code).first()
    return villages.first() if villages.count() == 1 else None


class VersionedForm(forms.Form):
    """The measure version the form was loaded with (optimistic locking, see services.StaleMeasure)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AmountMixin:
    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("金额不能为负数。"))
        if amount is not None and amount > MAX_MEASURE_AMOUNT:
            raise forms.ValidationError(amount_ceiling_message())
        return amount


class MeasureCreateForm(AmountMixin, BootstrapMixin, forms.ModelForm):
    once_token = once.token_field()

    class Meta:
        model = Measure
        fields = ["village", "household", "category", "title", "amount", "planned_date"]
        widgets = {"planned_date": DATE_WIDGET}
        help_texts = {"household": _("不选则为全村措施。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"] = WritableVillageField(user, label=_("行政村"))
        village = _village_from(self.data, self.initial, self.fields["village"])
        self.village = village
        households = Household.objects.filter(village=village) if village else Household.objects.none()
        self.fields["household"] = HouseholdChoiceField(
            queryset=households.order_by("number"), required=False, label=_("贫困户"),
            empty_label=_("（全村措施）"), help_text=_("不选则为全村措施。"),
        )
        self.fields["amount"].min_value = 0
        if not self.is_bound and village and "village" not in self.initial:
            self.initial["village"] = village.code
        self.fields["village"].widget.attrs["data-reload-param"] = "village"
        self.restyle()


class MeasureEditForm(AmountMixin, BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Measure
        fields = ["household", "category", "title", "amount", "planned_date"]
        widgets = {"planned_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"] = HouseholdChoiceField(
            queryset=Household.objects.filter(village_id=self.instance.village_id).order_by("number"),
            required=False, label=_("贫困户"), empty_label=_("（全村措施）"),
        )
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.restyle()

    def _post_clean(self):
        # The model's rules are checked by the service against the stored row, not the form's copy.
        pass


class MeasureImplementForm(AmountMixin, BootstrapMixin, VersionedForm):
    implemented_date = forms.DateField(label=_("实施日期"), widget=DATE_WIDGET)
    amount = forms.DecimalField(label=_("实际金额（元）"), max_digits=14, decimal_places=2)
    evidence = forms.CharField(label=_("实施佐证"), max_length=200,
                               help_text=_("如：发放签收单编号、验收记录、照片存档号。"))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if not self.is_bound:
            self.initial.update(version=measure.version, amount=measure.amount,
                                implemented_date=timezone.localdate())

    def clean_implemented_date(self):
        date = self.cleaned_data["implemented_date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("实施日期不能晚于今天。"))
        if date < self.measure.planned_date:
            raise forms.ValidationError(_("实施日期不能早于计划日期（%(date)s）。") % {
                "date": f"{self.measure.planned_date:%Y-%m-%d}"})
        return date

    def clean_evidence(self):
        evidence = self.cleaned_data["evidence"].strip()
        if not evidence:
            raise forms.ValidationError(_("请填写实施佐证。"))
        return evidence


class MeasureCancelForm(BootstrapMixin, VersionedForm):
    cancel_reason = forms.CharField(label=_("取消原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = measure.version

    def clean_cancel_reason(self):
        reason = self.cleaned_data["cancel_reason"].strip()
        if not reason:
            raise forms.ValidationError(_("请填写取消原因。"))
        return reason


class VisitForm(BootstrapMixin, forms.ModelForm):
    once_token = once.token_field()

    class Meta:
        model = Visit
        fields = ["household", "kind", "date", "purpose", "notes"]
        widgets = {"date": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = access_of(user).writable_villages()
        paired = (Household.objects.filter(village__in=villages, pairings__isnull=False).distinct()
                  .select_related("village").order_by("village__code", "number"))
        self.fields["household"] = forms.ModelChoiceField(
            queryset=paired, label=_("结对帮扶户"),
        )
        self.fields["household"].label_from_instance = lambda h: f"{h.village.name} {h.number} {h.head_name}"
        self.fields["kind"].initial = Visit.Kind.HOME_VISIT
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.restyle()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("走访日期不能晚于今天。"))
        return date

    def _post_clean(self):
        pass  # the service builds and validates the Visit (visitor, village)


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


class AttendanceCreateForm(AttendanceReportForm):
    once_token = once.token_field()


class CommitmentForm(BootstrapMixin, forms.ModelForm):
    once_token = once.token_field()  # its first save creates the commitment

    class Meta:
        model = AnnualCommitment
        fields = ["content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def _post_clean(self):
        pass


class QuarterlyReportForm(BootstrapMixin, forms.ModelForm):
    once_token = once.token_field()  # its first save creates the report

    class Meta:
        model = QuarterlyReport
        fields = ["content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    def _post_clean(self):
        pass
