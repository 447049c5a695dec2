"""The site's error answers (settings' handler400/403/404/500): JSON under /api/, a plain Chinese page elsewhere.

Django's own pages are English HTML, which an API client cannot read and a county user should not meet: a body
over DATA_UPLOAD_MAX_MEMORY_SIZE or more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields is refused before any view
runs, and the refusal must say which limit it was. The page is drawn without the request, like the 503 page:
the context processors and the site's layout read the database, which may be what failed.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
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


def permission_denied(request, exception):
    return error_response(request, 403, _("没有权限"), _("您没有查看或修改这项内容的权限。"))


def page_not_found(request, exception):
    return error_response(request, 404, _("页面不存在"), _("找不到这个页面，或者它不在您负责的地区内。"))


def server_error(request):
    return error_response(request, 500, _("服务器出错"),
                          _("处理请求时出错，已记录下来。刚才的提交没有保存，请稍后重试；如果一再出现，请联系系统管理员。"))
