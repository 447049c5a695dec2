"""/api/v1/auth/: token login, logout, and the signed-in user's tokens.

Plain paths, not router routes: the router's endpoints are the area-scoped data that tests/api/test_matrix.py
walks by role and county, and a token belongs to a user, not to an area.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("token/", views.LoginView.as_view(), name="token"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/", views.TokenDetailView.as_view(), name="token-detail"),
]
