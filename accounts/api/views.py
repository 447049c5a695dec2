"""Token login, logout and the caller's own tokens (django-rest-knox: a new hashed token per login, expiring
after REST_KNOX["TOKEN_TTL"]).

Login answers a username and password the way DRF's ObtainAuthToken did (the README's curl walk): the
credentials go through AuthTokenSerializer, i.e. django.contrib.auth.authenticate(), so django-axes counts a
failure and refuses a locked-out pair with the same 400 as a wrong password. Logout and logout-all take the
token itself (knox's views): a session has no token to revoke.
"""

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from knox import views as knox
from rest_framework import generics, permissions
from rest_framework.authtoken.serializers import AuthTokenSerializer

from accounts.models import ApiToken

from .serializers import ApiTokenSerializer, LoginAnswerSerializer


def unexpired(tokens):
    return tokens.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


class LoginView(knox.LoginView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(summary="Sign in with username and password: a new token and its expiry",
                   request=AuthTokenSerializer, responses=LoginAnswerSerializer)
    def post(self, request, format=None):
        credentials = self.serializer_class(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        request.user = credentials.validated_data["user"]
        # the user's expired tokens go at each login, so that logging in often does not pile rows up
        request.user.auth_token_set.filter(expiry__lte=timezone.now()).delete()
        return super().post(request, format)


class LogoutView(knox.LogoutView):
    @extend_schema(summary="Revoke the token this request is made with", request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(knox.LogoutAllView):
    @extend_schema(summary="Revoke every token of the signed-in user", request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class OwnTokens:
    """The signed-in user's unexpired tokens only: another user's token is a 404 to them."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    filter_backends = []

    def get_queryset(self):
        return unexpired(super().get_queryset().filter(user_id=self.request.user.pk))


class TokenListView(OwnTokens, generics.ListAPIView):
    """The signed-in user's tokens: prefix, creation and expiry, never the token."""


class TokenDetailView(OwnTokens, generics.DestroyAPIView):
    """DELETE revokes one of the signed-in user's tokens."""
