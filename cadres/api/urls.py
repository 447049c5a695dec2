"""Routes of the cadres API: (prefix, viewset, basename), registered under /api/v1/."""

from . import views

ROUTES = [
    ("cadres", views.CadreViewSet, "cadres"),
    ("units", views.UnitViewSet, "units"),
    ("assignments", views.AssignmentViewSet, "assignments"),
    ("trainings", views.TrainingViewSet, "trainings"),
    ("training-attendances", views.TrainingAttendanceViewSet, "training-attendances"),
    ("promotions", views.PromotionViewSet, "promotions"),
    ("attendance-reports", views.AttendanceReportViewSet, "attendance-reports"),
    ("commitments", views.CommitmentViewSet, "commitments"),
    ("quarterly-reports", views.QuarterlyReportViewSet, "quarterly-reports"),
]
