"""The cadres' work pages (namespace "work"): my work, measures, visits, attendance and reports.

Views are thin: reads go through the permission layer (povertyboard.access) and the selectors,
writes through households.services / cadres.services, which check the write again themselves.
Rules of the pages:
- an object outside the user's area is 404; a write the user may not make is 403 and changes nothing;
- pages of existing objects (measure, attendance report) are readable by everyone of the area and
  shown read-only to those who may not write them; pure write forms (new measure, visit, report,
  implement, cancel) are 403 for users without a village to write for;
- bad input re-shows the form with the error next to its field; nothing is saved;
- a create form carries a one-use token (povertyboard/once.py): submitted again (a double tap, a reload, two at
  once), it creates nothing and leads to what the first submit created.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cadres import selectors, services
from cadres.models import AnnualCommitment, AttendanceReport, QuarterlyReport
from households import services as household_services
from households.models import Household, Measure
from povertyboard.access import access_of, get_readable_or_404
from povertyboard.history import history_of
from povertyboard.once import submit_once

from . import selectors as work_selectors
from .forms import (
    AttendanceCreateForm,
    AttendanceReportForm,
    CommitmentForm,
    MeasureCancelForm,
    MeasureCreateForm,
    MeasureEditForm,
    MeasureImplementForm,
    QuarterlyReportForm,
    VisitForm,
)

MEASURES = Measure.objects.select_related("village__township", "household", "responsible").with_county()


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (unknown fields: at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _stale_message():
    return _("此措施已被他人修改，您的修改没有保存。下面显示的是当前内容，请核对后重新提交。")


# ------------------------------------------------------------------------------------------ my work


@require_safe
def home(request):
    access = access_of(request.user)
    context = {"access": access}
    if access.is_cadre:
        households = list(work_selectors.my_households(access))
        context.update(
            assignments=selectors.my_assignments(access),
            households=households,
            paired_count=sum(1 for h in households if h.paired),
            open_measures=work_selectors.open_measures(access),
            missing=selectors.missing_reports(access.cadre_id),
        )
    return render(request, "work/home.html", context)


# ------------------------------------------------------------------------------------------ measures


def _writer_or_403(request):
    access = access_of(request.user)
    if not access.writable_villages().exists():
        raise PermissionDenied
    return access


@require_http_methods(["GET", "HEAD", "POST"])
def measure_create(request):
    _writer_or_403(request)
    initial = {}
    if request.GET.get("village"):
        initial["village"] = request.GET["village"]
    household_id = request.GET.get("household")
    if household_id and household_id.isdigit():
        household = Household.objects.filter(pk=household_id).select_related("village").first()
        if household and access_of(request.user).can_write_village(household.village_id):
            initial.update(village=household.village.code, household=household.pk)
    form = MeasureCreateForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submit_once(request, form, lambda: _create_measure(request, form))
        if done:
            return done
    return render(request, "work/measure_form.html", {"form": form, "village": form.village})


def _create_measure(request, form):
    data = form.cleaned_data
    try:
        measure = household_services.create_measure(
            user=request.user, village=data["village"], household=data["household"],
            category=data["category"], title=data["title"], planned_date=data["planned_date"],
            amount=data["amount"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    messages.success(request, _("已添加帮扶措施“%(title)s”。") % {"title": measure.title})
    return redirect("work:measure_edit", measure_id=measure.pk)


def _measure_page(request, measure, form, template, **extra):
    access = access_of(request.user)
    context = {
        "measure": measure, "form": form,
        "can_write": access.can_write_village(measure.village_id),
        "is_planned": measure.status == Measure.Status.PLANNED,
        "history": history_of(measure), **extra,
    }
    return render(request, template, context)


def _measure_write(request, form, write):
    """Run a versioned measure write; a stale version re-shows the current values with a message."""
    if not form.is_valid():
        return None
    try:
        write(form.cleaned_data)
    except household_services.StaleMeasure as stale:
        messages.error(request, _stale_message())
        return "stale", stale.current
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    return "ok", None


@require_http_methods(["GET", "HEAD", "POST"])
def measure_edit(request, measure_id):
    measure = get_readable_or_404(request.user, MEASURES, pk=measure_id)
    if request.method != "POST":
        return _measure_page(request, measure, MeasureEditForm(instance=measure), "work/measure_edit.html")
    access_of(request.user).check_write_village(measure.village_id)
    form = MeasureEditForm(request.POST, instance=measure)

    def write(data):
        household_services.update_measure(
            user=request.user, measure=measure, version=data["version"], household=data["household"],
            category=data["category"], title=data["title"], amount=data["amount"],
            planned_date=data["planned_date"],
        )

    outcome = _measure_write(request, form, write)
    if outcome and outcome[0] == "ok":
        messages.success(request, _("已保存修改。"))
        return redirect("work:measure_edit", measure_id=measure.pk)
    if outcome and outcome[0] == "stale":
        current = outcome[1]
        return _measure_page(request, current, MeasureEditForm(instance=current), "work/measure_edit.html",
                             stale=True)
    measure.refresh_from_db()
    return _measure_page(request, measure, form, "work/measure_edit.html")


def _measure_action(request, measure_id, form_class, write, template, done_message):
    measure = get_readable_or_404(request.user, MEASURES, pk=measure_id)
    access_of(request.user).check_write_village(measure.village_id)
    form = form_class(request.POST if request.method == "POST" else None, measure=measure)
    if request.method == "POST":
        outcome = _measure_write(request, form, lambda data: write(measure, data))
        if outcome and outcome[0] == "ok":
            messages.success(request, done_message)
            return redirect("work:measure_edit", measure_id=measure.pk)
        if outcome and outcome[0] == "stale":
            current = outcome[1]
            return _measure_page(request, current, form_class(measure=current), template, stale=True)
    return _measure_page(request, measure, form, template)


@require_http_methods(["GET", "HEAD", "POST"])
def measure_implement(request, measure_id):
    def write(measure, data):
        household_services.implement_measure(
            user=request.user, measure=measure, version=data["version"],
            implemented_date=data["implemented_date"], amount=data["amount"], evidence=data["evidence"],
        )

    return _measure_action(request, measure_id, MeasureImplementForm, write, "work/measure_implement.html",
                           _("已标记为已实施。"))


@require_http_methods(["GET", "HEAD", "POST"])
def measure_cancel(request, measure_id):
    def write(measure, data):
        household_services.cancel_measure(user=request.user, measure=measure, version=data["version"],
                                          reason=data["cancel_reason"])

    return _measure_action(request, measure_id, MeasureCancelForm, write, "work/measure_cancel.html",
                           _("已取消该措施。"))


# ------------------------------------------------------------------------------------------ visits


@require_http_methods(["GET", "HEAD", "POST"])
def visit_create(request):
    access = _writer_or_403(request)
    if access.cadre_id is None:
        raise PermissionDenied
    initial = {}
    if (request.GET.get("household") or "").isdigit():
        initial["household"] = int(request.GET["household"])
    form = VisitForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submit_once(request, form, lambda: _log_visit(request, form))
        if done:
            return done
    return render(request, "work/visit_form.html", {"form": form})


def _log_visit(request, form):
    data = form.cleaned_data
    try:
        visit = household_services.log_visit(
            user=request.user, household=data["household"], date=data["date"], kind=data["kind"],
            purpose=data["purpose"], notes=data["notes"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    messages.success(request, _("已登记对 %(household)s 的走访。") % {"household": visit.household})
    return redirect("work:home")


# ------------------------------------------------------------------------------------------ attendance


@require_safe
def attendance_list(request):
    access = access_of(request.user)
    reports = selectors.attendance_reports_for(access)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(request, "work/attendance_list.html", {
        "page": page, "access": access, "own": access.is_cadre and not access.is_supervisor,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def attendance_create(request):
    access = access_of(request.user)
    if not access.is_cadre or not access.writable_villages().exists():
        raise PermissionDenied
    initial = {"month": request.GET["month"]} if request.GET.get("month") else {}
    form = AttendanceCreateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submit_once(request, form, lambda: _create_attendance_report(request, form))
        if done:
            return done
    return render(request, "work/attendance_form.html", {"form": form, "report": None, "can_write": True})


def _create_attendance_report(request, form):
    fields = {name: form.cleaned_data[name] for name in AttendanceReportForm.Meta.fields}
    try:
        report = services.create_attendance_report(user=request.user, **fields)
    except ValidationError as exc:  # e.g. the month's report, filed meanwhile by another submit
        add_errors(form, exc)
        return None
    messages.success(request, _("已提交 %(month)s 考勤月报。") % {"month": f"{report.month:%Y-%m}"})
    return redirect("work:attendance_edit", report_id=report.pk)


def _readable_report(request, report_id):
    access = access_of(request.user)
    try:
        return selectors.attendance_reports_for(access).get(pk=report_id)
    except (AttendanceReport.DoesNotExist, ValueError):
        raise Http404 from None


@require_http_methods(["GET", "HEAD", "POST"])
def attendance_edit(request, report_id):
    report = _readable_report(request, report_id)
    access = access_of(request.user)
    can_write = access.is_cadre and report.cadre_id == access.cadre_id and not report.locked
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        form = AttendanceReportForm(request.POST, instance=report)
        if form.is_valid():
            try:
                services.update_attendance_report(user=request.user, report=report, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已保存考勤月报。"))
                return redirect("work:attendance_edit", report_id=report.pk)
        report.refresh_from_db()
    else:
        form = AttendanceReportForm(instance=report)
    return render(request, "work/attendance_form.html", {
        "form": form, "report": report, "can_write": can_write, "history": history_of(report),
        "can_lock": access.is_supervisor and not report.locked,
    })


@require_POST
def attendance_lock(request, report_id):
    report = AttendanceReport.objects.filter(pk=report_id).select_related("cadre").first()
    if report is None or not access_of(request.user).can_read_county(report.cadre.county_id):
        raise Http404
    services.lock_attendance_report(user=request.user, report=report)
    messages.success(request, _("已锁定 %(report)s 考勤月报，干部不能再修改。") % {"report": report})
    next_url = request.POST.get("next")
    if next_url == "edit":
        return redirect("work:attendance_edit", report_id=report.pk)
    return redirect(reverse("work:attendance_list") + (f"?page={request.POST['page']}"
                                                       if (request.POST.get("page") or "").isdigit() else ""))


# ------------------------------------------------------------------------------------------ reports


def _own_cadre_or_403(request):
    access = access_of(request.user)
    if not access.is_cadre or not access.writable_villages().exists():
        raise PermissionDenied
    return access


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404


@require_http_methods(["GET", "HEAD", "POST"])
def commitment_edit(request, year):
    _check_year(year)
    access = _own_cadre_or_403(request)
    commitment = AnnualCommitment.objects.filter(cadre_id=access.cadre_id, year=year).first()
    form = CommitmentForm(request.POST if request.method == "POST" else None, instance=commitment)
    if request.method == "POST" and form.is_valid():
        done = submit_once(request, form, lambda: _save_commitment(request, form, year))
        if done:
            return done
    return render(request, "work/report_form.html", {
        "form": form, "object": commitment, "title": _("%(year)s 年度承诺") % {"year": year},
        "history": history_of(commitment) if commitment else [],
    })


def _save_commitment(request, form, year):
    try:
        services.save_commitment(user=request.user, year=year, content=form.cleaned_data["content"])
    except ValidationError as exc:  # e.g. the year's first commitment, saved meanwhile by another submit
        add_errors(form, exc)
        return None
    messages.success(request, _("已保存 %(year)s 年度承诺。") % {"year": year})
    return redirect("work:commitment_edit", year=year)


@require_http_methods(["GET", "HEAD", "POST"])
def quarterly_edit(request, year, quarter):
    _check_year(year)
    if not 1 <= quarter <= 4:
        raise Http404
    access = _own_cadre_or_403(request)
    report = QuarterlyReport.objects.filter(cadre_id=access.cadre_id, year=year, quarter=quarter).first()
    form = QuarterlyReportForm(request.POST if request.method == "POST" else None, instance=report)
    if request.method == "POST" and form.is_valid():
        done = submit_once(request, form, lambda: _save_quarterly_report(request, form, year, quarter))
        if done:
            return done
    return render(request, "work/report_form.html", {
        "form": form, "object": report,
        "title": _("%(year)s 年第 %(quarter)s 季度报告") % {"year": year, "quarter": quarter},
        "history": history_of(report) if report else [],
    })


def _save_quarterly_report(request, form, year, quarter):
    try:
        services.save_quarterly_report(user=request.user, year=year, quarter=quarter,
                                       content=form.cleaned_data["content"])
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    messages.success(request, _("已保存 %(year)s 年第 %(quarter)s 季度报告。") % {"year": year, "quarter": quarter})
    return redirect("work:quarterly_edit", year=year, quarter=quarter)
