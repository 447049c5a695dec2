"""/search/: the results page, and the JSON the navigation's search box lists as one types."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import terms
from .selectors import PAGE, SUGGESTIONS, Results, search


@require_safe
def results(request):
    """Every kind's first PAGE hits. No query: the empty form; too short: asks for more (200); too long or with
    control characters: refused (400), naming the limit."""
    raw = request.GET.get("q", "")
    context = {"query": raw, "results": None, "problem": None, "per_kind": PAGE}
    status = 200
    if raw.strip():
        try:
            context["results"] = found = search(request.user, terms.parse(raw), PAGE)
        except ValidationError as refused:
            context["problem"] = refused.messages[0]
            status = 200 if refused.code == "too_short" else 400
        else:
            if found.term.kind != terms.NAME:  # a whole ID or phone is not shown back (the heading masks it) ...
                context["query"] = ""
                context["language_next"] = request.path  # ... nor kept in the language switch's return address
    return render(request, "search/results.html", context, status=status)


@require_safe
def suggestions(request):
    """The first SUGGESTIONS hits of each kind as JSON; a refused query is a 400 with its message."""
    try:
        found = search(request.user, terms.parse(request.GET.get("q")), SUGGESTIONS)
    except ValidationError as refused:
        return JsonResponse({"q": refused.messages}, status=400)
    return JsonResponse(as_json(found))


def as_json(found: Results) -> dict:
    return {
        "query": found.shown_query,
        "groups": [{"kind": group.kind, "label": group.label, "more": group.more,
                    "hits": [{"title": hit.title, "detail": hit.detail, "url": hit.url} for hit in group.hits]}
                   for group in found.groups],
    }
