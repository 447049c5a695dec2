"""Site-wide request guards and security headers (settings.MIDDLEWARE).

QueryStringGuard      refuses a query string carrying a NUL byte or an over-long value with a 400, before any view
                      runs (the database drivers refuse NUL bytes with a server error; nothing needs a long value).
ContentSecurityPolicy  adds the Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) to every response.
axes_lockout           the login form's answer while django-axes has the username + address locked out.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from povertyboard.errors import error_response

MAX_QUERY_VALUE_LENGTH = 1000


class QueryStringGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is None:
            return self.get_response(request)
        return error_response(request, 400, _("请求无效"), problem)

    @staticmethod
    def problem(request) -> str | None:
        for key, values in request.GET.lists():
            for text in (key, *values):
                if "\x00" in text:
                    return _("查询参数 %(name)s 含有空字符（NUL）。") % {"name": key.replace("\x00", "")[:100]}
                if len(text) > MAX_QUERY_VALUE_LENGTH:
                    return _("查询参数 %(name)s 超过 %(max)s 个字符。") % {
                        "name": key[:100], "max": MAX_QUERY_VALUE_LENGTH}
        return None


class ContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response
        policy = settings.CONTENT_SECURITY_POLICY
        self.header = "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


def axes_lockout(request, original_response=None, credentials=None):
    """django-axes' lockout page (429) for the login form.

    The API's token endpoint never gets here: DRF wraps the request, so AxesMiddleware does not see the lockout
    flag; a locked-out token request is refused by AxesStandaloneBackend and answered 400 like a wrong password
    (the schema's documented answer), which is what the tests check."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，该账号在此地址已被暂时锁定，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def client_address(request) -> str | None:
    """The client's address for the login lockout (AXES_CLIENT_IP_CALLABLE): behind the README's nginx, the
    header it sets (CLIENT_ADDRESS_HEADER, X-Real-IP in production), since every request reaches gunicorn from
    127.0.0.1; without a proxy (development), the connection's own address. nginx overwrites the header, so a
    client cannot choose its address; without the setting the header is ignored for the same reason."""
    header = settings.CLIENT_ADDRESS_HEADER
    return (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR")
