"""Site-level pages that belong to no single app: the home page."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from villages.models import County


def county_overview():
    """Every county in the database with its township / village counts, in one query."""
    return County.objects.annotate(
        township_count=Count("townships", distinct=True),
        village_count=Count("townships__villages", distinct=True),
        poor_village_count=Count(
            "townships__villages", filter=Q(townships__villages__is_poor=True), distinct=True
        ),
        demo_village_count=Count(
            "townships__villages", filter=Q(townships__villages__is_demo=True), distinct=True
        ),
    ).order_by("code")


@require_safe
def home(request):
    return render(request, "home.html", {"counties": county_overview()})
