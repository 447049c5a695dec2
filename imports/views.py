"""The staff import pages (namespace "imports"): templates, upload → preview → confirm, the cross-department check.

County staff (and administrators) only: cadres and supervisors get 403; a flag outside the user's area is 404.
The uploaded file stays on the server between preview and confirmation (imports.services.store_upload); the
confirmation form carries only its token, and the file is checked again in full before anything is written.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from households.models import CrossCheckFlag
from imports.resources import KIND_LABELS, KINDS
from imports.services import (
    GENERAL_NOTES,
    FileRefused,
    confirming,
    decide_flag,
    discard_upload,
    limits_note,
    run_crosscheck,
    run_import,
    store_upload,
    stored_upload,
    template_workbook,
)
from povertyboard.access import access_of, county_lookup, get_readable_or_404
from povertyboard.forms import DATE_WIDGET, BootstrapMixin
from povertyboard.history import history_of
from povertyboard.resident_ids import mask_resident_id
from villages.models import Village

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50
SHOWN_ROWS = 1000  # rows without errors listed on a preview (all are counted)
SHOWN_PROBLEMS = 2000  # errors listed on a preview (all are counted)


def _staff(request):
    """The user's access if they are county staff (or an administrator); 403 otherwise."""
    access = access_of(request.user)
    if not access.is_county_staff:
        raise PermissionDenied
    return access


def _submitted(request) -> tuple:
    """(data, files) of a POST — an empty POST is a submitted form that shows its errors — or (None, None)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _kind(import_kind: str) -> str:
    if import_kind not in KINDS:
        raise Http404
    return import_kind


# ------------------------------------------------------------------------------------------ forms


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = limits_note()


class CrossCheckForm(UploadForm):
    source = forms.CharField(label=_("来源部门"), max_length=50,
                             help_text=CrossCheckFlag._meta.get_field("source").help_text)
    label = forms.CharField(label=_("名单类别"), max_length=100,
                            help_text=CrossCheckFlag._meta.get_field("label").help_text)
    list_date = forms.DateField(label=_("名单日期"), widget=DATE_WIDGET,
                                help_text=_("部门提供名单的日期（数据截至日期）。"))

    field_order = ["source", "label", "list_date", "file"]

    def clean_list_date(self):
        date = self.cleaned_data["list_date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("名单日期不能晚于今天。"))
        return date


class DecisionForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("核查结论"), choices=[
        (CrossCheckFlag.Status.CLEARED, _("已排除：经核查不影响贫困户认定")),
        (CrossCheckFlag.Status.CONFIRMED, _("已确认：不符合贫困户认定条件，需要处理")),
    ])
    decision_note = forms.CharField(label=_("核查说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("如：车辆为农用车，已入户核实。"))


# ------------------------------------------------------------------------------------------ imports


@require_safe
def index(request):
    access = _staff(request)
    open_flags = access.restrict(CrossCheckFlag.objects.filter(status=CrossCheckFlag.Status.OPEN))
    return render(request, "imports/index.html", {
        "kinds": [{"kind": kind, "label": KIND_LABELS[kind], "sheets": [r.sheet for r in resources]}
                  for kind, resources in KINDS.items()],
        "open_flags": open_flags.count(),
        "notes": [*GENERAL_NOTES, limits_note()],
    })


@require_safe
def template(request, import_kind: str):
    """The .xlsx template of an import (or of a department list: import_kind "crosscheck")."""
    _staff(request)
    if import_kind != "crosscheck":
        _kind(import_kind)
    label = _("部门比对名单") if import_kind == "crosscheck" else KIND_LABELS[import_kind]
    response = HttpResponse(template_workbook(import_kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{label}导入模板.xlsx")
    return response


def _columns(import_kind: str) -> list[dict]:
    """The columns of each sheet, for the upload page's help."""
    return [{"sheet": r.sheet, "columns": [{"name": f.column_name, "required": f.column_name in r.required_columns,
                                            "note": r.notes.get(f.column_name, "")}
                                           for f in r().get_import_fields()]}
            for r in KINDS[import_kind]]


def _preview_context(import_kind, report, token) -> dict:
    problems = report.all_problems
    ok_rows = [r for r in report.rows if not r.problems]
    return {
        "kind": import_kind,
        "label": KIND_LABELS[import_kind],
        "report": report,
        "token": token,
        "problems": problems[:SHOWN_PROBLEMS],
        "hidden_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        "rows": ok_rows[:SHOWN_ROWS],
        "hidden_rows": max(0, len(ok_rows) - SHOWN_ROWS),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, import_kind: str):
    """Upload a file: it is checked in full and previewed; nothing is written until the preview is confirmed."""
    _staff(request)
    _kind(import_kind)
    form = UploadForm(*_submitted(request))
    if request.method == "POST" and form.is_valid():
        token = None
        try:
            token = store_upload(form.cleaned_data["file"], request.user, {"kind": import_kind})
            path, meta = stored_upload(token, request.user)
            report = run_import(import_kind, path, meta["fmt"], request.user, commit=False)
        except FileRefused as exc:
            if token:
                discard_upload(token, request.user)
            form.add_error("file", exc.message)
        else:
            if not report.ok or not report.changes:
                discard_upload(token, request.user)
                token = None
            return render(request, "imports/preview.html", _preview_context(import_kind, report, token))
    return render(request, "imports/upload.html", {
        "form": form, "kind": import_kind, "label": KIND_LABELS[import_kind], "sheets": _columns(import_kind),
    }, status=400 if form.errors else 200)


@require_POST
def confirm(request, import_kind: str):
    """Import the previewed file: checked again, written in one transaction, or nothing at all."""
    _staff(request)
    _kind(import_kind)
    try:
        with confirming(request.POST.get("token", ""), request.user) as (path, meta):
            if meta.get("kind") != import_kind:
                raise FileRefused(_("上传的文件不是这一类导入的文件，请重新上传。"))
            report = run_import(import_kind, path, meta["fmt"], request.user, commit=True)
    except FileRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:upload", import_kind=import_kind)
    if not report.committed:  # the registry changed since the preview: the file no longer passes
        return render(request, "imports/preview.html", _preview_context(import_kind, report, None), status=400)
    villages = Village.objects.filter(code__in=report.village_codes).select_related("township").order_by("code")
    return render(request, "imports/done.html", {
        "kind": import_kind, "label": KIND_LABELS[import_kind], "report": report, "villages": villages,
    })


# ------------------------------------------------------------------------------------------ cross-department check


@require_http_methods(["GET", "HEAD", "POST"])
def crosscheck(request):
    """Load a department's list of resident IDs: preview the households it flags."""
    _staff(request)
    form = CrossCheckForm(*_submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meta = {"kind": "crosscheck", "source": data["source"], "label": data["label"],
                "list_date": data["list_date"].isoformat()}
        token = None
        try:
            token = store_upload(data["file"], request.user, meta)
            path, meta = stored_upload(token, request.user)
            report = run_crosscheck(path, meta["fmt"], request.user, source=data["source"], label=data["label"],
                                    list_date=data["list_date"], commit=False)
        except FileRefused as exc:
            if token:
                discard_upload(token, request.user)
            form.add_error("file", exc.message)
        else:
            if not report.ok:
                discard_upload(token, request.user)
                token = None
            return render(request, "imports/crosscheck_preview.html", {
                "report": report, "token": token, "meta": meta, "list_date": data["list_date"],
                "problems": report.problems[:SHOWN_PROBLEMS],
                "hidden_problems": max(0, len(report.problems) - SHOWN_PROBLEMS),
                "may_see_ids": access_of(request.user).may_see_resident_ids,
            })
    return render(request, "imports/crosscheck.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def crosscheck_confirm(request):
    _staff(request)
    try:
        with confirming(request.POST.get("token", ""), request.user) as (path, meta):
            if meta.get("kind") != "crosscheck":
                raise FileRefused(_("上传的文件不是部门比对名单，请重新上传。"))
            list_date = datetime.date.fromisoformat(meta["list_date"])
            report = run_crosscheck(path, meta["fmt"], request.user, source=meta["source"], label=meta["label"],
                                    list_date=list_date, commit=True)
    except FileRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:crosscheck")
    if not report.committed:
        messages.error(request, _("名单有错误，没有导入，请重新上传。"))
        return redirect("imports:crosscheck")
    new = sum(1 for f in report.flags if f.action == "new")
    messages.success(request, _("已比对 %(listed)s 个身份证号码：%(households)s 户有成员在名单中，"
                                "新标记 %(new)s 户待核查。") % {
        "listed": report.listed, "households": len(report.flags), "new": new})
    query = urlencode({"source": meta["source"], "label": meta["label"], "list_date": meta["list_date"],
                       "status": "all"})
    return redirect(f"{reverse('imports:flags')}?{query}")


def _shown_ids(flag, may_see_ids: bool) -> list[str]:
    return flag.matched_id_list if may_see_ids else [mask_resident_id(i) for i in flag.matched_id_list]


@require_safe
def flags(request):
    """The households flagged by cross-department checks in the user's area (open ones first by default)."""
    access = _staff(request)
    rows = access.restrict(CrossCheckFlag.objects.select_related("decided_by").with_county())
    status = request.GET.get("status") or CrossCheckFlag.Status.OPEN
    if status != "all":
        if status not in CrossCheckFlag.Status.values:
            raise Http404
        rows = rows.filter(status=status)
    applied = {}
    for name in ("source", "label"):
        if request.GET.get(name):
            applied[name] = request.GET[name]
            rows = rows.filter(**{name: request.GET[name]})
    if request.GET.get("list_date"):
        try:
            applied["list_date"] = datetime.date.fromisoformat(request.GET["list_date"])
        except ValueError:
            raise Http404 from None
        rows = rows.filter(list_date=applied["list_date"])
    if request.GET.get("county"):
        applied["county"] = request.GET["county"]
        rows = rows.filter(**{county_lookup(CrossCheckFlag, "code"): request.GET["county"]})
    open_first = Case(When(status=CrossCheckFlag.Status.OPEN, then=Value(0)), default=Value(1))
    rows = rows.order_by(open_first, "-list_date", "household__village__code", "household__number", "pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for flag in page.object_list:
        flag.shown_ids = _shown_ids(flag, access.may_see_resident_ids)
    area_flags = access.restrict(CrossCheckFlag.objects.all())
    counts = area_flags.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in CrossCheckFlag.Status.values})
    sources = (area_flags.values("source", "label", "list_date").annotate(n=Count("pk"))
               .order_by("-list_date", "source", "label"))
    return render(request, "imports/flags.html", {
        "page": page, "flags": page.object_list, "status": status, "applied": applied, "counts": counts,
        "statuses": CrossCheckFlag.Status.choices, "lists": sources,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def flag(request, flag_id: int):
    """One flag: the household, the matched IDs, the decision form and the flag's history."""
    access = _staff(request)
    flag = get_readable_or_404(request.user, CrossCheckFlag.objects.select_related(
        "household__village__township", "decided_by", "created_by").with_county(), pk=flag_id)
    form = DecisionForm(*_submitted(request)[:1], initial={"status": flag.status if flag.decided_at else ""})
    if request.method == "POST" and form.is_valid():
        try:
            decide_flag(user=request.user, flag=flag, status=form.cleaned_data["status"],
                        note=form.cleaned_data["decision_note"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("核查结论已保存。"))
            return redirect("imports:flag", flag_id=flag.pk)
    flag.shown_ids = _shown_ids(flag, access.may_see_resident_ids)
    return render(request, "imports/flag.html", {
        "flag": flag, "household": flag.household, "form": form, "history": history_of(flag)[:50],
    }, status=400 if form.errors else 200)
