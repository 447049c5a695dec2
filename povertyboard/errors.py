"""The site's error answers (settings' handler400/403/404/500): JSON under /api/, a plain Chinese page elsewhere.

Django's own pages are English HTML, which an API client cannot read and a county user should not meet: a body
over DATA_UPLOAD_MAX_MEMORY_SIZE or more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields is refused before any view
runs, and the refusal must say which limit it was. A 400 (refused before the session is read), a 500 and the 503 are
drawn without the request, from error.html: the context processors and the site's layout read the database,
which may be what failed. A 403 or 404 is drawn in the site's layout with a way back.

Under `make run` (DEBUG) Django would show its technical 404 instead, listing the URL patterns; the setting
TECHNICAL_404 (off unless set) decides, not DEBUG: the `ErrorPages` middleware puts the site's page in its place.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def error_response(request, status: int, title: str, message: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("error.html", {"title": title, "message": message}), status=status)


def refusal(exception) -> str:
    """What a request refused before any view broke, in words (Django's exceptions carry English text)."""
    if isinstance(exception, RequestDataTooBig):
        return _("提交的数据超过 %(max)s MB 的上限。文件请用上传字段提交，大量数据请用数据导入。") % {
            "max": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}"}
    if isinstance(exception, TooManyFieldsSent):
        return _("一次请求的参数或字段超过 %(max)s 个的上限。") % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if isinstance(exception, TooManyFilesSent):
        return _("一次提交的文件超过 %(max)s 个的上限。") % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return _("请求无效，请检查地址和提交的内容。")


def bad_request(request, exception):
    return error_response(request, 400, _("请求无效"), refusal(exception))


def in_layout(request, status: int, title: str, message: str) -> HttpResponse:
    """A 403 or 404 inside the site's layout: the navigation is the way on (the database answered this request)."""
    if is_api(request):
        return JsonResponse({"detail": message}, status=status)
    referer = request.headers.get("Referer", "")
    back_url = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else None
    context = {"title": title, "message": message, "back_url": back_url}
    response = render(request, "error_page.html", context, status=status)
    response.site_error_page = True
    return response


def permission_denied(request, exception):
    return in_layout(request, 403, _("没有权限"),
                     _("您的账号不能查看或修改这项内容。如果您认为应该可以，请联系县扶贫办的系统管理员。"))


def page_not_found(request, exception=None):
    return in_layout(request, 404, _("页面不存在"), _("找不到这个页面，或者它不在您负责的地区内。"))


def server_error(request):
    return error_response(request, 500, _("服务器出错"),
                          _("处理请求时出错，已记录下来。刚才的提交没有保存，请稍后重试；如果一再出现，请联系系统管理员。"))


class ErrorPages:
    """The site's 404 page in place of Django's technical one (DEBUG), unless settings.TECHNICAL_404 asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code == 404 and not getattr(response, "site_error_page", False)
                and not settings.TECHNICAL_404 and not is_api(request)):
            return page_not_found(request)
        return response
