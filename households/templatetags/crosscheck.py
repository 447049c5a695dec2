"""Template tags of the cross-department check (精准识别) for pages owned elsewhere: the household page, the
county dashboard and the navigation. Each makes one query at most."""

from django import template

from households.models import CrossCheckFlag
from households.selectors import open_crosscheck_flags
from povertyboard.access import access_of
from povertyboard.resident_ids import mask_resident_id

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """Whether the user may use the import pages (county staff and administrators)."""
    return bool(user and user.is_authenticated and access_of(user).is_county_staff)


@register.inclusion_tag("imports/_household_flags.html", takes_context=True)
def household_flags(context, household):
    """The household's flags, newest list first, with the IDs masked for everyone but administrators."""
    access = access_of(context["request"].user)
    flags = list(CrossCheckFlag.objects.filter(household=household).select_related("decided_by")
                 .order_by("-list_date", "source", "pk"))
    for flag in flags:
        ids = flag.matched_id_list
        flag.shown_ids = ids if access.may_see_resident_ids else [mask_resident_id(i) for i in ids]
    return {"flags": flags, "may_decide": access.is_county_staff}


@register.inclusion_tag("imports/_dashboard_flags.html", takes_context=True)
def dashboard_flags(context, county):
    """The count of the county's flagged households awaiting review, linked to the list (county staff only)."""
    user = context["request"].user
    if not may_import(user):
        return {"shown": False}
    return {"shown": True, "county": county, "count": open_crosscheck_flags(county).count()}
