"""Site-level pages that belong to no single app: the home page."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from povertyboard.access import access_of
from povertyboard.context_processors import user_counties
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
    """After login: the dashboard of the user's county, a chooser among several, or why there is none."""
    counties = user_counties(request)
    if len(counties) == 1:
        return redirect("areas:county", county_code=counties[0].code)
    if counties:
        overview = county_overview().filter(pk__in=[c.pk for c in counties])
        return render(request, "home.html", {"counties": overview})
    return render(request, "home.html", {
        "counties": [],
        "no_area": not access_of(request.user).is_admin,
    })
