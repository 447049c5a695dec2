"""The one search: households, villages, townships, cadres and helpers in the user's area, grouped by kind.

Used by the results page, the navigation's suggestions and the API alike. Each kind is one query of at most
`limit + 1` rows on an indexed column (a name or code prefix, or equality on a whole ID or phone), scoped by
the model's restrict(user): the number of queries is fixed whatever the number of rows.

A bank account number would be looked up like a phone, by equality; the registry holds none yet.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cadres.models import Cadre
from households.models import HelperStaff, Household, Member
from povertyboard.access import ALL, Access, access_of
from povertyboard.privacy import shown
from villages.models import Township, Village

from .terms import MOBILE_PHONE, RESIDENT_ID, Term

SUGGESTIONS = 5  # per kind, in the navigation's list
PAGE = 20  # per kind, on the results page and in the API

KINDS = {
    "households": gettext_lazy("贫困户"),
    "villages": gettext_lazy("行政村"),
    "townships": gettext_lazy("乡镇（街道）"),
    "cadres": gettext_lazy("干部"),
    "helpers": gettext_lazy("帮扶责任人"),
}


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str = ""  # empty where the object has no page


@dataclass
class Group:
    kind: str
    hits: list[Hit]
    more: bool  # rows beyond the limit exist

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


@dataclass
class Results:
    term: Term
    shown_query: str  # the query as the reader may see it: a whole ID or phone masked for non-administrators
    groups: list[Group] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups


def search(user, term: Term, limit: int = PAGE) -> Results:
    access = access_of(user)
    whole = access.may_see_resident_ids
    if term.kind == RESIDENT_ID:
        found = {"households": _by_resident_id(access, term.text, limit, whole)}
        query = shown("id_number", term.text, whole)
    elif term.kind == MOBILE_PHONE:
        found = _by_phone(access, term.text, limit, whole)
        query = shown("phone", term.text, whole)
    else:
        found = _by_name(access, term.text, limit)
        query = term.text
    groups = [Group(kind, hits[:limit], len(hits) > limit) for kind, hits in found.items() if hits]
    return Results(term, query, groups)


# ------------------------------------------------------------------------------------------ whole numbers


def _by_resident_id(access: Access, id_number: str, limit: int, whole: bool) -> list[Hit]:
    members = access.restrict(Member.objects.select_related("household__village")).filter(id_number=id_number)
    return [_household_hit(m.household, _("成员 %(name)s，身份证号码 %(id)s") % {
        "name": m.name, "id": shown("id_number", m.id_number, whole)}) for m in members[:limit + 1]]


def _by_phone(access: Access, phone: str, limit: int, whole: bool) -> dict[str, list[Hit]]:
    masked = shown("phone", phone, whole)
    households = access.restrict(Household.objects.select_related("village")).filter(phone=phone)
    members = access.restrict(Member.objects.select_related("household__village")).filter(phone=phone)
    cadres = access.restrict(Cadre.objects.select_related("unit")).filter(phone=phone)
    helpers = access.restrict(HelperStaff.objects.select_related("unit")).filter(phone=phone)
    phone_of = _("联系电话 %(phone)s") % {"phone": masked}
    household_hits = [_household_hit(h, phone_of) for h in households]
    household_hits += [_household_hit(m.household, _("成员 %(name)s，联系电话 %(phone)s") % {
        "name": m.name, "phone": masked}) for m in members[:limit + 1]]
    return {
        "households": _unique(household_hits),
        "cadres": [_cadre_hit(c, phone_of) for c in cadres[:limit + 1]],
        "helpers": [_helper_hit(h, phone_of) for h in helpers[:limit + 1]],
    }


# ------------------------------------------------------------------------------------------ names and codes


def _by_name(access: Access, text: str, limit: int) -> dict[str, list[Hit]]:
    households = _first(access, Household.objects.select_related("village").filter(
        Q(head_name__startswith=text) | Q(number__startswith=text)), "head_name", limit)
    members = _first(access, Member.objects.select_related("household__village").filter(
        name__startswith=text).exclude(relation=Member.Relation.HEAD), "name", limit)
    villages = access.restrict(Village.objects.select_related("township")).filter(
        Q(name__startswith=text) | Q(code__startswith=text)).order_by("-active", "name", "code")[:limit + 1]
    townships = access.restrict(Township.objects.with_county()).filter(
        Q(name__startswith=text) | Q(code__startswith=text)).order_by("-active", "name", "pk")[:limit + 1]
    cadres = _first(access, Cadre.objects.select_related("unit").filter(name__startswith=text), "name", limit)
    helpers = _first(access, HelperStaff.objects.select_related("unit").filter(name__startswith=text), "name", limit)
    household_hits = [_household_hit(h, _("户编号 %(number)s") % {"number": h.number}) for h in households]
    household_hits += [_household_hit(m.household, _("成员 %(name)s") % {"name": m.name}) for m in members]
    return {
        "households": _unique(household_hits),
        "villages": [Hit(v.name, f"{v.code} · {v.township.name}", reverse("areas:village", args=[v.code]))
                     for v in villages],
        "townships": [Hit(t.name, f"{t.code} · {t.county.name}" if t.code else t.county.name,
                          reverse("areas:township", args=[t.pk])) for t in townships],
        "cadres": [_cadre_hit(c, c.post) for c in cadres],
        "helpers": [_helper_hit(h, "") for h in helpers],
    }


def _first(access: Access, rows, name_field: str, limit: int) -> list:
    """limit + 1 of the user's matching rows, by name (places, a few thousand rows, are simply sorted by name).

    A user with counties gets the first ones by name: the database gathers the area's matches, then sorts them.
    An administrator gets any limit + 1 matches, then sorted: the database stops after reading them off the prefix
    index, where sorting every match of a short prefix took 2 s at 200,000 households (bench/RESULTS.md). A county
    user's rows are not read off the prefix index in its order either: names need not be spread evenly over
    counties (the generated ones carry their county's number), and skipping the other counties' rows took 3 s."""
    rows = access.restrict(rows)
    if access.county_ids is ALL:
        return sorted(rows.order_by()[:limit + 1], key=lambda row: (getattr(row, name_field), row.pk))
    return list(rows.order_by(name_field, "pk")[:limit + 1])


# ------------------------------------------------------------------------------------------ hits


def _household_hit(household: Household, why: str) -> Hit:
    detail = " · ".join(part for part in (household.village.name, why) if part)
    return Hit(household.head_name, detail, reverse("households:detail", args=[household.pk]))


def _cadre_hit(cadre: Cadre, why: str) -> Hit:  # no cadre page yet: the hit names the cadre and their unit
    return Hit(cadre.name, " · ".join(part for part in (cadre.unit.name if cadre.unit else "", why) if part))


def _helper_hit(helper: HelperStaff, why: str) -> Hit:
    return Hit(helper.name, " · ".join(part for part in (helper.unit.name, why) if part))


def _unique(hits: list[Hit]) -> list[Hit]:
    """One hit per household (a household found by its number and by a member's name), the first kept."""
    first = {}
    for hit in hits:
        first.setdefault(hit.url, hit)
    return list(first.values())
