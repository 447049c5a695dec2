"""The household drill-down: the household list of an area and the household page.

Both pages read through access_of(request.user): rows outside the user's counties do not exist for them.
Each page makes a fixed number of SQL queries whatever the number of households, members or measures.
"""

import datetime
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import ForeignKey, OneToOneField
from django.forms import Select
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from povertyboard.access import access_of, get_readable_or_404
from povertyboard.history import history_of, history_of_many
from povertyboard.privacy import shown

from .filters import FLAG_CHOICES, FLAGS, HouseholdFilter, add_row_figures
from .models import Benefit, Household, HouseholdYear, Measure, Member, Pairing, Visit

PER_PAGE = 50
HISTORY_LIMIT = 50

# Sortable columns of the list: (?sort= value, header).
SORT_COLUMNS = [
    ("number", _("户编号")),
    ("head_name", _("户主")),
    ("village", _("行政村")),
    ("group", _("组")),
    ("status", _("状态")),
    ("cause", _("主要致贫原因")),
    ("members", _("人口")),
    ("income", _("最新人均纯收入（元）")),
    ("helpers", _("帮扶责任人")),
]
NUMERIC_COLUMNS = ("members", "income", "helpers")
WIDE_ONLY_COLUMNS = ("village", "group", "cause", "helpers")  # hidden at phone width


def _sort_headers(current: str) -> list[dict]:
    """Header links: a click sorts ascending, a second click on the same column descending."""
    headers = []
    for key, label in SORT_COLUMNS:
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        headers.append({"key": key, "label": label, "direction": direction,
                        "next": f"-{key}" if direction == "asc" else key,
                        "num": key in NUMERIC_COLUMNS, "wide_only": key in WIDE_ONLY_COLUMNS})
    return headers


def _style(form) -> None:
    """Bootstrap classes on the filter widgets, and is-invalid on the fields with errors."""
    for name, field in form.fields.items():
        css = "form-select" if isinstance(field.widget, Select) else "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"id_{name}-errors"
        field.widget.attrs["class"] = css
    form.fields["q"].widget.attrs.setdefault("placeholder", _("户主、成员姓名或户编号"))


def _area_of(cleaned: dict):
    """The narrowest area the filters select (village, township or county), for the breadcrumbs."""
    village, township, county = cleaned.get("village"), cleaned.get("township"), cleaned.get("county")
    if village is not None:
        return village.county, village.township, village
    if township is not None:
        return township.county, township, None
    return county, None, None


@require_safe
def household_list(request):
    """The households of the user's area, filtered (HouseholdFilter), sorted and paginated."""
    access = access_of(request.user)
    rows = access.restrict(Household.objects.select_related("village__township").with_county())
    filterset = HouseholdFilter(request.GET, queryset=rows, request=request)
    valid = filterset.is_valid()
    _style(filterset.form)
    households = filterset.qs if valid else rows.none()
    page = Paginator(households, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    add_row_figures(page.object_list)
    county, township, village = _area_of(getattr(filterset.form, "cleaned_data", {}))
    sort = request.GET.get("sort", "") if valid and "sort" not in filterset.errors else ""
    return render(request, "households/household_list.html", {
        "filter": filterset,
        "valid": valid,
        "page": page,
        "households": page.object_list,
        "headers": _sort_headers(sort),
        "sort": sort,
        "county": county,
        "township": township,
        "village": village,
        "active_filters": sum(1 for k, v in request.GET.items() if v and k in filterset.filters and k != "sort"),
    })


def _age(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _resolve_history_foreign_keys(entries, known: dict) -> None:
    """Let each entry show foreign-key changes by name without a query per entry.

    auditlog's changes_display_dict looks every foreign-key value up with its own query. Names of the
    objects already on the page are taken from `known` ({(model, pk): object}); the rest are fetched
    with one query per related model, then each entry's lookup is pointed at that map.
    """
    names = {key: str(obj) for key, obj in known.items()}
    wanted = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is None:
            continue
        for field_name, values in entry.changes_dict.items():
            try:
                field = model._meta.get_field(field_name)
            except Exception:  # noqa: BLE001 - a field removed since the entry was written
                continue
            if isinstance(field, ForeignKey | OneToOneField):
                for value in values:
                    try:
                        pk = field.related_model._meta.pk.to_python(value)
                    except Exception:  # noqa: BLE001 - legacy string representations
                        continue
                    if pk is not None and (field.related_model, pk) not in names:
                        wanted[field.related_model].add(pk)
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            names[(related_model, obj.pk)] = str(obj)

    def display(field, value):
        if value in (None, "None"):
            return "None"
        try:
            pk = field.related_model._meta.pk.to_python(value)
        except Exception:  # noqa: BLE001
            return value
        return names.get((field.related_model, pk), _("已删除（%(pk)s）") % {"pk": value})

    for entry in entries:
        entry._get_changes_display_for_fk_field = display


def _household_history(household, members, years, measures, benefits, pairings, visits, known):
    """The latest changes of the household and everything recorded on it, newest first, one query."""
    entries = history_of(household)
    for model, objs in ((Member, members), (HouseholdYear, years), (Measure, measures), (Benefit, benefits),
                        (Pairing, pairings), (Visit, visits)):
        if objs:
            entries = entries | history_of_many(model, [o.pk for o in objs])
    entries = list(entries[:HISTORY_LIMIT])
    _resolve_history_foreign_keys(entries, known)
    return entries


@require_safe
def household_detail(request, household_id: int):
    """One household: members (IDs masked), incomes, measures, benefits, helpers, visits and history."""
    access = access_of(request.user)
    household = get_readable_or_404(
        request.user, Household.objects.select_related("village__township").with_county(), pk=household_id)
    today = timezone.localdate()
    members = list(Member.objects.filter(household=household).order_by("id"))
    for member in members:
        member.shown_id = shown("id_number", member.id_number, whole=access.may_see_resident_ids)
        member.shown_birth = shown("birth_date", member.birth_date.isoformat(), whole=access.may_see_resident_ids)
        member.age = _age(member.birth_date, today)
    years = list(HouseholdYear.objects.filter(household=household).order_by("year"))
    status_changes = list(household.status_changes.order_by("date", "id"))
    measures = list(Measure.objects.filter(household=household).select_related("responsible")
                    .order_by("planned_date", "id"))
    benefits = list(Benefit.objects.filter(household=household).select_related("member").order_by("date", "id"))
    pairings = list(Pairing.objects.filter(household=household).select_related("helper__unit")
                    .order_by("start_date", "id"))
    visits = list(Visit.objects.filter(household=household).select_related("cadre", "helper__unit")
                  .order_by("-date", "-id"))

    village = household.village
    known = {(Household, household.pk): household, (type(village), village.pk): village}
    known.update({(Member, m.pk): m for m in members})
    for measure in measures:
        if measure.responsible is not None:
            known[(type(measure.responsible), measure.responsible.pk)] = measure.responsible
    for pairing in pairings:
        known[(type(pairing.helper), pairing.helper.pk)] = pairing.helper
    for visit in visits:
        for person in (visit.cadre, visit.helper):
            if person is not None:
                known[(type(person), person.pk)] = person
    history = _household_history(household, members, years, measures, benefits, pairings, visits, known)

    flags = [label for key, label in FLAG_CHOICES if getattr(household, FLAGS[key])]
    active_pairings = [p for p in pairings if p.end_date is None or p.end_date >= today]
    return render(request, "households/household_detail.html", {
        "household": household,
        "village": village,
        "township": village.township,
        "county": village.county,
        "flags": flags,
        "members": members,
        "years": years,
        "status_changes": status_changes,
        "measures": measures,
        "measure_total": sum((m.amount for m in measures if m.status != Measure.Status.CANCELLED), 0),
        "benefits": benefits,
        "pairings": pairings,
        "active_pairing_count": len(active_pairings),
        "visits": visits,
        "history": history,
        "history_limit": HISTORY_LIMIT,
        "can_write": access.can_write_village(village.pk),
        "may_see_resident_ids": access.may_see_resident_ids,
    })
