"""Form pieces every app's forms share: Bootstrap styling with phone-friendly input hints, a date and a month
input."""

from django import forms

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    """Bootstrap classes and phone-friendly input hints on every widget (see work/templates/work/_field.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self.style(field)

    def restyle(self):
        for field in self.fields.values():
            self.style(field)

    @staticmethod
    def style(field):
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            return
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = css
        if isinstance(field, forms.DecimalField):
            widget.attrs.setdefault("inputmode", "decimal")


class MonthField(forms.DateField):
    """A month entered as YYYY-MM (an <input type="month">), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        date = super().to_python(value)
        return date.replace(day=1) if date else date
