from django import template

from dashboards.figures import plain

register = template.Library()


@register.filter(name="figure")
def figure_filter(value):
    """Render a figure with thousands separators and no trailing zeros."""
    return "" if value is None else plain(value)
