"""Supervisors' pages of the 331 assessment: periods, scorecards (score, rank, filter, export) and each
cadre's 鉴定挂图. Only supervisors and administrators of the period's county may open them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cadres.models import AttendanceReport, Cadre
from povertyboard.access import access_of, get_readable_or_404, require
from povertyboard.history import history_of

from . import selectors, services
from .filters import ScorecardFilterSet
from .forms import INPUT_FORMS, PeriodForm, RulesForm
from .models import AssessmentPeriod, BonusItem, DutyRating, SatisfactionSurvey, Veto

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request, period_id: int) -> AssessmentPeriod:
    """The period, if the user is a supervisor (else 403) of its county (else 404)."""
    require(request.user, access_of(request.user).is_supervisor)
    return get_readable_or_404(request.user, AssessmentPeriod.objects.select_related("county"), pk=period_id)


@require_safe
def periods(request):
    access = access_of(request.user)
    require(request.user, access.is_supervisor)
    rows = access.restrict(AssessmentPeriod.objects.select_related("county")).annotate(
        scored=Count("scorecards"),
    ).order_by("county__code", "-start_date")
    return render(request, "assessments/periods.html", {"periods": rows})


def period_create(request):
    """A supervisor opens a new assessment period (e.g. 2017年度, 2016年第三季度) in one of their counties."""
    access = access_of(request.user)
    require(request.user, access.is_supervisor)
    form = PeriodForm(request.POST if request.method == "POST" else None, counties=access.counties())
    if request.method == "POST" and form.is_valid():
        try:
            period = services.create_period(user=request.user, period=form.save(commit=False))
        except ValidationError as error:  # e.g. the same name saved by someone else meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, _("考核期已创建。"))
            return redirect("assess:scorecards", period_id=period.pk)
    return render(request, "assessments/form.html", {"form": form, "title": _("新建考核期")},
                  status=400 if form.errors else 200)


@require_POST
def close(request, period_id: int):
    """Close the period: its rules, inputs and scorecards are frozen from now on."""
    period = _period(request, period_id)
    if not period.closed:
        services.close_period(user=request.user, period=period)
        messages.success(request, _("考核期已结束，规则、考核数据和记分卡已冻结。"))
    return redirect("assess:scorecards", period_id=period.pk)


@require_safe
def scorecards(request, period_id: int):
    period = _period(request, period_id)
    filterset = ScorecardFilterSet(request.GET or None, queryset=selectors.scorecards(period), period=period)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.scorecards(period)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "assessments/scorecards.html", {
        "period": period, "filterset": filterset, "page": page,
        "total": page.paginator.count,
    })


@require_POST
def score(request, period_id: int):
    period = _period(request, period_id)
    try:
        cards = services.score_period(period, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已计算 %(n)s 名干部的记分卡。") % {"n": len(cards)})
    return redirect("assess:scorecards", period_id=period.pk)


@require_safe
def export(request, period_id: int):
    period = _period(request, period_id)
    filterset = ScorecardFilterSet(request.GET or None, queryset=selectors.scorecards(period), period=period)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else selectors.scorecards(period)
    if not rows.exists():
        messages.error(request, _("没有可导出的记分卡：请先计算，或放宽筛选条件。"))
        return redirect("assess:scorecards", period_id=period.pk)
    response = HttpResponse(services.export_scorecards(period, rows), content_type=XLSX)
    filename = f"{period.county.name}_{period.name}_331考核记分卡.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def sheet(request, period_id: int, cadre_id: int):
    """鉴定挂图: one cadre's scorecard with the evidence behind each component, printable on A4."""
    period = _period(request, period_id)
    card = get_object_or_404(selectors.scorecards(period), cadre_id=cadre_id)
    cadre = get_object_or_404(Cadre.objects.select_related("unit"), pk=cadre_id, county=period.county_id)
    months = services.period_months(period)
    reports = {r.month: r for r in AttendanceReport.objects.filter(cadre=cadre, month__in=months)}
    attendance = [{"month": m, "report": reports.get(m)} for m in months]
    return render(request, "assessments/sheet.html", {
        "period": period, "card": card, "cadre": cadre, "attendance": attendance,
        "chart": {
            "labels": [f"{m:%Y-%m}" for m in months],
            "present": [reports[m].days_present if m in reports else None for m in months],
            "required": period.required_days_per_month,
        },
        "duty": DutyRating.objects.filter(period=period, cadre=cadre).select_related("rater").first(),
        "surveys": SatisfactionSurvey.objects.filter(period=period, cadre=cadre).order_by("group"),
        "bonus_items": BonusItem.objects.filter(period=period, cadre=cadre).order_by("pk"),
        "veto": Veto.objects.filter(period=period, cadre=cadre).first(),
        "history": history_of(card)[:20],
    })


def rules(request, period_id: int):
    """A period's rules, editable by a supervisor until the period is closed."""
    period = _period(request, period_id)
    form = RulesForm(request.POST if request.method == "POST" else None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rules(user=request.user, period=period, **form.cleaned_data)
        except ValidationError as error:  # e.g. the period was closed meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, _("考核规则已保存；请重新计算记分卡。"))
            return redirect("assess:scorecards", period_id=period.pk)
    if form.errors:
        period.refresh_from_db(fields=["closed"])  # closed meanwhile: shown read-only
    return render(request, "assessments/form.html", {
        "period": period, "form": form, "title": _("考核规则"), "readonly": period.closed,
    }, status=400 if form.errors else 200)


def input_form(request, period_id: int, kind: str, input_id: int | None = None):
    """Create or edit one scoring input (履职评分, 满意度测评, 加分项, 一票否决) of a period."""
    period = _period(request, period_id)
    if kind not in INPUT_FORMS:
        raise Http404
    form_class, title = INPUT_FORMS[kind]
    instance = None
    if input_id is not None:
        instance = get_object_or_404(form_class._meta.model, pk=input_id, period=period)
    form = form_class(request.POST if request.method == "POST" else None, period=period, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_input(user=request.user, row=form.save(commit=False))
        except ValidationError as error:  # e.g. the period was closed meanwhile
            form.add_error(None, error)
        else:
            messages.success(request, _("%(title)s已保存；请重新计算记分卡。") % {"title": title})
            return redirect("assess:sheet", period_id=period.pk, cadre_id=saved.cadre_id)
    return render(request, "assessments/form.html", {
        "period": period, "form": form, "title": title, "readonly": period.closed,
        "history": history_of(instance)[:20] if instance else None,
    }, status=400 if form.errors else 200)
