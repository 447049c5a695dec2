"""Routes of the assessments API: (prefix, viewset, basename), registered under /api/v1/."""

from .views import BonusItemViewSet, DutyRatingViewSet, PeriodViewSet, ScorecardViewSet, SurveyViewSet, VetoViewSet

ROUTES = [
    ("assessment-periods", PeriodViewSet, "assessment-periods"),
    ("scorecards", ScorecardViewSet, "scorecards"),
    ("duty-ratings", DutyRatingViewSet, "duty-ratings"),
    ("surveys", SurveyViewSet, "surveys"),
    ("bonus-items", BonusItemViewSet, "bonus-items"),
    ("vetoes", VetoViewSet, "vetoes"),
]
