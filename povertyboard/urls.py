from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from dashboards import views as dashboards

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher must work on the login page too, so set_language is exempted from
    # LoginRequiredMiddleware; it is the same view django.conf.urls.i18n provides, matched first.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("dashboards.report_urls")),  # app_name "reports": report figures and their rows
    path("areas/", include("dashboards.urls")),  # app_name "areas": dashboards, village charts, map
    path("households/", include("households.urls")),  # app_name "households": household list and pages
    path("work/", include("work.urls")),  # app_name "work": the cadres' forms and "my work"
    path("assessments/", include("assessments.urls")),  # app_name "assess": the 331 assessment
    path("imports/", include("imports.urls")),  # app_name "imports": spreadsheet imports, 精准识别
    path("search/", include("search.urls")),  # app_name "search": the one search, its page and suggestions
    path("api/", include("povertyboard.api.urls")),  # app_name "api": /api/v1/, the schema and Swagger UI
]

handler400 = "povertyboard.errors.bad_request"
handler403 = "povertyboard.errors.permission_denied"
handler404 = "povertyboard.errors.page_not_found"
handler500 = "povertyboard.errors.server_error"
